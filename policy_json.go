package sandbox

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// The JSON form of a Policy (MarshalJSON and UnmarshalJSON), the same as a
// policy file's.

// policyJSON is the JSON form of a Policy: timeout is a duration string, and
// an empty (not nil) env or argv is kept, since it differs from an absent one.
type policyJSON struct {
	FuelBudget        int64             `json:"fuel_budget,omitempty"`
	MemoryBytes       int64             `json:"memory_bytes,omitempty"`
	Timeout           string            `json:"timeout,omitempty"`
	StdoutMaxBytes    int64             `json:"stdout_max_bytes,omitempty"`
	StderrMaxBytes    int64             `json:"stderr_max_bytes,omitempty"`
	MaxCodeBytes      int64             `json:"max_code_bytes,omitempty"`
	Workspace         string            `json:"workspace,omitempty"`
	GuestWorkspace    string            `json:"guest_workspace,omitempty"`
	Mounts            []Mount           `json:"mounts,omitempty"`
	Env               map[string]string `json:"env,omitzero"`
	Argv              []string          `json:"argv,omitzero"`
	WorkspaceMaxBytes int64             `json:"workspace_max_bytes,omitempty"`
}

// MarshalJSON writes p in the policy-file form: the keys of the policy
// table, timeout as a Go duration string ("1m30s"), zero fields left out.
// The output reads back with ParsePolicy or json.Unmarshal.
func (p Policy) MarshalJSON() ([]byte, error) {
	f := policyJSON{
		FuelBudget:        p.FuelBudget,
		MemoryBytes:       p.MemoryBytes,
		StdoutMaxBytes:    p.StdoutMaxBytes,
		StderrMaxBytes:    p.StderrMaxBytes,
		MaxCodeBytes:      p.MaxCodeBytes,
		Workspace:         p.Workspace,
		GuestWorkspace:    p.GuestWorkspace,
		Mounts:            p.Mounts,
		Env:               p.Env,
		Argv:              p.Argv,
		WorkspaceMaxBytes: p.WorkspaceMaxBytes,
	}
	if p.Timeout != 0 {
		f.Timeout = p.Timeout.String()
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads the policy-file form strictly: an unknown key, a value
// of the wrong type or a malformed timeout is an error (a *PolicyError that
// names every such key). It does not Validate; ParsePolicy and LoadPolicy do.
func (p *Policy) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	tree, errs, err := jsonTree(data)
	if err != nil {
		return err
	}
	var np Policy
	decodeValue(reflect.ValueOf(&np).Elem(), tree, "", &errs)
	if len(errs) > 0 {
		sortFieldErrors(errs)
		return &PolicyError{Fields: errs}
	}
	*p = np
	return nil
}
