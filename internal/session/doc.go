// Package session is the on-disk machinery of sessions: the layout of a
// session directory, its lock (an in-process lock plus flock, so a session
// runs one thing at a time across processes), its metadata file and the
// file of its saved globals, each written atomically and checked when read.
//
// The public API (sandbox.SessionStore, sandbox.Session) is in the root
// package; it decides what a session may do, this package how it is kept.
//
// A store is a directory; each session is a subdirectory named by its ID:
//
//	<root>/<id>/meta.json      metadata: runtime, policy, times, counters (host only)
//	<root>/<id>/lock           flock'ed while the session executes or changes
//	<root>/<id>/workspace/     mounted read-write at the policy's guest_workspace (/app)
//	<root>/<id>/state/         saved globals (host only)
//	<root>/<id>/stage/         exists only during an execution that persists globals
//
// Names starting with "." in the root (".tmp-*", ".trash-*") are sessions
// being created or deleted; session IDs never start with ".".
package session
