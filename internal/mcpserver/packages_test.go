package mcpserver

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/packages"
)

// TestInstalledPackagesListed: list_runtimes and the execute_code
// description name the packages of the policy's sets, and code can import
// them.
func TestInstalledPackagesListed(t *testing.T) {
	home := t.TempDir()
	for _, d := range []string{"runtimes", "modules"} {
		if err := os.Symlink(filepath.Join(testHome, d), filepath.Join(home, d)); err != nil {
			t.Fatal(err)
		}
	}
	whl := filepath.Join(t.TempDir(), "py_greet-1.0-py3-none-any.whl")
	f, _ := os.Create(whl)
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{
		"greet/__init__.py":             "def hi():\n    return 'hi'\n",
		"py_greet-1.0.dist-info/WHEEL":  "Root-Is-Purelib: true\n",
		"py_greet-1.0.dist-info/RECORD": "greet/__init__.py,,\n",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	f.Close()
	if _, err := packages.AddWheels(context.Background(), home, "default", []string{whl}); err != nil {
		t.Fatal(err)
	}
	cs := connect(t, Config{RuntimeHome: home, Policy: sandbox.Policy{Packages: []string{"default"}}})

	var lr ListRuntimesOutput
	callOK(t, cs, "list_runtimes", map[string]any{}, &lr)
	var py RuntimeInfo
	for _, r := range lr.Runtimes {
		if r.Language == "python" {
			py = r
		}
	}
	if len(py.Packages) != 1 || py.Packages[0].Name != "py_greet" || strings.Join(py.Packages[0].Import, ",") != "greet" {
		t.Errorf("python packages = %+v", py.Packages)
	}
	if !strings.Contains(py.Libraries, "py_greet 1.0 (import greet)") {
		t.Errorf("libraries = %q", py.Libraries)
	}

	tools, err := cs.ListTools(context.Background(), &mcp.ListToolsParams{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		if tool.Name == "execute_code" && !strings.Contains(tool.Description, "installed pure-Python packages: py_greet 1.0 (import greet)") {
			t.Errorf("execute_code description does not list the package:\n%s", tool.Description)
		}
	}
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "import greet\nprint(greet.hi())"}, &res)
	if res.Stdout != "hi\n" {
		t.Errorf("stdout = %q", res.Stdout)
	}
}
