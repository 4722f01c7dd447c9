package quickjs

import (
	"os"
	"strings"
	"testing"
)

// TestNodeCompatParity runs testdata/compat.js (process.nextTick order, fs
// error paths, Date strings, isTTY, lone surrogates, long strings in
// util.inspect, and the node: modules) in an empty workspace and compares
// its output with Node 20's, recorded in testdata/compat.node.txt. To
// record it again, in an empty directory:
//
//	cp testdata/compat.js $DIR && (cd $DIR && TZ=UTC node compat.js) > testdata/compat.node.txt
func TestNodeCompatParity(t *testing.T) {
	fsys, _ := newFS(t)
	parity(t, &Host{FS: fsys, Env: map[string]string{"HOME": "/app"}}, "testdata/compat.js", "testdata/compat.node.txt")
}

// parity runs the script src with h and compares its stdout with the file
// want, line by line.
func parity(t *testing.T, h *Host, src, want string) {
	t.Helper()
	code, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	r := exec(t, h, string(code))
	if r.err != nil || r.code != 0 {
		t.Fatalf("%+v", r)
	}
	got, lines := strings.Split(r.stdout, "\n"), strings.Split(string(exp), "\n")
	for i := 0; i < len(got) || i < len(lines); i++ {
		var g, e string
		if i < len(got) {
			g = got[i]
		}
		if i < len(lines) {
			e = lines[i]
		}
		if g != e {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, g, e)
		}
	}
}

// The network modules load, and using them, or fetch, fails saying that
// the sandbox has no network.
func TestNetworkDisabled(t *testing.T) {
	r := exec(t, nil, `
for (const m of ['http', 'https', 'net', 'dns', 'tls', 'dgram', 'http2', 'node:http']) {
  const mod = require(m);
  const f = mod.request || mod.connect || mod.lookup || mod.createSocket;
  try { f('example.com', 80); console.log(m, 'no error') } catch (e) { console.log(m, e.code, e.message) }
}
require('dns').lookup('example.com', (err) => console.log('lookup callback:', err.message));
fetch('https://example.com/x').then(() => console.log('fetched'), (e) => console.log(e.name, e.message, '| cause:', e.cause.message));
`)
	want := `http ERR_NETWORK_DISABLED network access is disabled in this sandbox (http.request() cannot be used)
https ERR_NETWORK_DISABLED network access is disabled in this sandbox (https.request() cannot be used)
net ERR_NETWORK_DISABLED network access is disabled in this sandbox (net.connect() cannot be used)
dns ERR_NETWORK_DISABLED network access is disabled in this sandbox (dns.lookup() cannot be used)
tls ERR_NETWORK_DISABLED network access is disabled in this sandbox (tls.connect() cannot be used)
dgram ERR_NETWORK_DISABLED network access is disabled in this sandbox (dgram.createSocket() cannot be used)
http2 ERR_NETWORK_DISABLED network access is disabled in this sandbox (http2.connect() cannot be used)
node:http ERR_NETWORK_DISABLED network access is disabled in this sandbox (http.request() cannot be used)
TypeError fetch failed: network access is disabled in this sandbox (https://example.com/x) | cause: network access is disabled in this sandbox (fetch() cannot be used)
lookup callback: network access is disabled in this sandbox (dns.lookup() cannot be used)
`
	expect(t, r, 0, want)
}

// The new builtin modules import as ES modules too, by both names.
func TestNodeModulesImport(t *testing.T) {
	r := exec(t, nil, `
import EventEmitter, { once } from 'node:events';
import assert, { strictEqual } from 'assert';
import { URL as U, fileURLToPath } from 'url';
import os, { EOL } from 'os';
import { parse } from 'node:querystring';
import { StringDecoder } from 'string_decoder';
import { setTimeout as sleep } from 'timers/promises';
import http from 'node:http';
const e = new EventEmitter();
setTimeout(() => e.emit('go', 7), 1);
const [v] = await once(e, 'go');
strictEqual(v, 7);
assert.ok(U === URL);
await sleep(1);
console.log(v, fileURLToPath('file:///app/x'), JSON.stringify(EOL), os.hostname(), parse('a=1').a, new StringDecoder().write(Buffer.from('hi')), typeof http.get);
`)
	expect(t, r, 0, "7 /app/x \"\\n\" sandbox 1 hi function\n")
}

// readline reads standard input line by line, by events or for await, as
// Node does when it is piped (outputs recorded from Node 20 given the same
// input).
func TestReadline(t *testing.T) {
	in := []byte("1\n2\r\n30\nlast")
	r := exec(t, &Host{Stdin: in}, `
const readline = require('readline');
const rl = readline.createInterface({ input: process.stdin });
const lines = [];
rl.on('line', (l) => lines.push(l.toUpperCase()));
rl.on('close', () => console.log(lines));
`)
	expect(t, r, 0, "[ '1', '2', '30', 'LAST' ]\n")
	r = exec(t, &Host{Stdin: in}, `
import readline from 'node:readline';
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
let n = 0, sum = 0;
for await (const line of rl) { n++; sum += Number(line) || 0; }
console.log('lines', n, 'sum', sum);
`)
	expect(t, r, 0, "lines 4 sum 33\n")
	r = exec(t, &Host{Stdin: []byte("Ada\n")}, `
const rl = require('readline/promises').createInterface({ input: process.stdin, output: process.stdout });
rl.question('Name? ').then((a) => { console.log('hi ' + a); rl.close(); });
`)
	expect(t, r, 0, "Name? hi Ada\n")
}
