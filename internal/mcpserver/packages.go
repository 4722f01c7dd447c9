package mcpserver

import (
	"fmt"
	"strings"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/packages"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

// PackageInfo is one installed package code may import.
type PackageInfo struct {
	// Name is the package's name.
	Name string `json:"name" jsonschema:"The package's name."`
	// Version is its version.
	Version string `json:"version" jsonschema:"The installed version."`
	// Import lists, for Python, the module names to import.
	Import []string `json:"import,omitempty" jsonschema:"For Python, the module names to import (they can differ from the package name)."`
}

// installed lists the packages of the server's package sets that code in
// rt may import (for JavaScript the ones asked for, not their
// dependencies), in the policy's set order.
func (s *server) installed(rt sandbox.Runtime) []PackageInfo {
	out := []PackageInfo{}
	if len(s.policy.Packages) == 0 {
		return out
	}
	home, err := runtimes.Home(s.cfg.RuntimeHome)
	if err != nil {
		return out
	}
	lang := packages.Python
	if rt == sandbox.JavaScript {
		lang = packages.JavaScript
	}
	for _, set := range s.policy.Packages {
		pkgs, err := packages.List(home, lang, set)
		if err != nil {
			continue
		}
		for _, p := range pkgs {
			if lang == packages.JavaScript && !p.Direct {
				continue
			}
			out = append(out, PackageInfo{Name: p.Name, Version: p.Version, Import: p.Modules})
		}
	}
	return out
}

// packagesText names the installed packages of rt for a description:
// "tabulate 0.9.0 (import tabulate), ...", or "" when there are none.
func packagesText(pkgs []PackageInfo) string {
	var parts []string
	for _, p := range pkgs {
		s := p.Name + " " + p.Version
		if len(p.Import) > 0 && !(len(p.Import) == 1 && p.Import[0] == p.Name) {
			s += " (import " + strings.Join(p.Import, ", ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// pythonLibraries says what Python code may import.
func (s *server) pythonLibraries() string {
	if t := packagesText(s.installed(sandbox.Python)); t != "" {
		return fmt.Sprintf("The Python standard library plus these installed pure-Python packages: %s. Nothing else: no pip, and no packages with compiled code (numpy, pandas, ... are not installed).", t)
	}
	return "The Python standard library only: no pip and no third-party packages (numpy, pandas, requests, ... are not installed)."
}

// javascriptPackages says which npm packages JavaScript code may require.
func (s *server) javascriptPackages() string {
	if t := packagesText(s.installed(sandbox.JavaScript)); t != "" {
		return "These npm packages are installed and can be required or imported: " + t + "; no others."
	}
	return "No npm packages."
}
