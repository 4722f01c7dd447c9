package sandbox

import (
	"fmt"

	"github.com/wasmsandbox/sandbox/internal/engine"
	"github.com/wasmsandbox/sandbox/internal/packages"
)

// packageLang is the package-set language of runtime rt.
func packageLang(rt Runtime) packages.Lang {
	if rt == JavaScript {
		return packages.JavaScript
	}
	return packages.Python
}

// packageMounts resolves the package sets that p names for runtime rt
// under the runtime directory home: the read-only mounts to add and the
// guest directories the runtime imports from, in the policy's order. A set
// that exists only for the other language adds nothing; one that exists
// for neither is an invalid policy, and so is a set directory that
// overlaps the workspace or a writable mount (the guest could change it).
func packageMounts(rt Runtime, p Policy, home string) ([]engine.Mount, []string, error) {
	if len(p.Packages) == 0 {
		return nil, nil, nil
	}
	lang, other := packageLang(rt), packages.Python
	if lang == packages.Python {
		other = packages.JavaScript
	}
	var writable []hostDir
	if p.Workspace != "" {
		writable = append(writable, newHostDir("workspace", p.Workspace, p.GuestWorkspace))
	}
	for i, m := range p.Mounts {
		if m.Writable {
			writable = append(writable, newHostDir(fmt.Sprintf("mounts[%d].host", i), m.Host, m.Guest))
		}
	}
	var mounts []engine.Mount
	var dirs []string
	var errs []FieldError
	for i, set := range p.Packages {
		field := fmt.Sprintf("packages[%d]", i)
		if !packages.Exists(home, lang, set) {
			if !packages.Exists(home, other, set) {
				errs = append(errs, FieldError{Field: field, Value: set, Reason: fmt.Sprintf(
					"no package set of that name is installed under %s (install one with `wasmsandbox packages add --lang %s --set %s NAME...`, or remove it from packages)",
					home, lang, set)})
			}
			continue
		}
		host := packages.MountDir(home, lang, set)
		if reason := newHostDir(field, host, packages.GuestDir(set)).writableOverlap(writable); reason != "" {
			errs = append(errs, FieldError{Field: field, Value: set, Reason: "its directory " + reason})
			continue
		}
		mounts = append(mounts, engine.Mount{Host: host, Guest: packages.GuestDir(set)})
		dirs = append(dirs, packages.GuestDir(set))
	}
	if len(errs) > 0 {
		return nil, nil, &PolicyError{Fields: errs}
	}
	return mounts, dirs, nil
}
