package sandbox

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/wasmsandbox/sandbox/internal/packages"
)

// jsPackageHome installs lodash, dayjs, uuid and zod with the ordinary npm
// client into the "default" JavaScript set of a home of its own, once per
// test binary. Tests skip when npm is not installed.
var jsPackageHome = sync.OnceValues(func() (string, error) {
	home, err := os.MkdirTemp("", "wasmsandbox-jspkg-")
	if err != nil {
		return "", err
	}
	for _, d := range []string{"runtimes", "modules"} {
		if err := os.Symlink(testHome+"/"+d, home+"/"+d); err != nil {
			return "", err
		}
	}
	jsPackageDir = home
	err = packages.AddJS(context.Background(), home, "default", []string{"lodash@4", "dayjs@1", "uuid@11", "zod@3"}, nil)
	return home, err
})

// jsPackageDir is the home jsPackageHome made, if any; TestMain removes it.
var jsPackageDir string

func removeJSPackageHome() {
	if jsPackageDir != "" {
		os.RemoveAll(jsPackageDir)
	}
}

func needJSPackages(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed")
	}
	home, err := jsPackageHome()
	if err != nil {
		t.Fatalf("installing the test packages with npm: %v", err)
	}
	return home
}

func jsRun(t *testing.T, home, code string, want Outcome) *Result {
	t.Helper()
	sb, err := New(JavaScript, WithRuntimeDir(home), WithPolicy(Policy{Packages: []string{"default"}}))
	if err != nil {
		t.Fatal(err)
	}
	res := run(t, sb, code)
	wantOutcome(t, res, want)
	return res
}

func TestJavaScriptPackagesRequire(t *testing.T) {
	home := needJSPackages(t)
	res := jsRun(t, home, `
const _ = require('lodash');
const dayjs = require('dayjs');
const { v4: uuidv4, validate } = require('uuid');
const { z } = require('zod');
console.log(_.chunk([1, 2, 3, 4, 5], 2), _.sortBy(['b', 'c', 'a']).join(''));
console.log(dayjs('2024-02-28').add(2, 'day').format('YYYY-MM-DD dddd'));
const id = uuidv4();
console.log(validate(id), id.length);
const User = z.object({ name: z.string(), age: z.number().int().min(0) });
console.log(User.parse({ name: 'ada', age: 36 }).name, User.safeParse({ name: 'x', age: -1 }).success);
`, OutcomeOK)
	want := "[ [ 1, 2 ], [ 3, 4 ], [ 5 ] ] abc\n2024-03-01 Friday\ntrue 36\nada false\n"
	if res.Stdout != want {
		t.Errorf("stdout = %q, want %q", res.Stdout, want)
	}
}

func TestJavaScriptPackagesImport(t *testing.T) {
	home := needJSPackages(t)
	res := jsRun(t, home, `
import _ from 'lodash';
import dayjs from 'dayjs';
import { v5, NIL } from 'uuid';
import { z } from 'zod';
import chunk from 'lodash/chunk.js';
console.log(_.uniq([1, 1, 2]), chunk([1, 2, 3], 2).length);
console.log(dayjs('2000-01-01T00:00:00Z').year());
console.log(v5('hello', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), NIL);
console.log(z.string().email().safeParse('nope').success);
`, OutcomeOK)
	want := "[ 1, 2 ] 2\n2000\n9342d47a-1bab-5709-9869-c840b2eac501 00000000-0000-0000-0000-000000000000\nfalse\n"
	if res.Stdout != want {
		t.Errorf("stdout = %q, want %q", res.Stdout, want)
	}
}

func TestJavaScriptPackagesErrors(t *testing.T) {
	home := needJSPackages(t)
	res := jsRun(t, home, `require('left-pad')`, OutcomeGuestError)
	for _, want := range []string{"Cannot find module 'left-pad'", "not installed in this sandbox", "installed packages: dayjs, lodash, uuid, zod"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
		}
	}
	res = jsRun(t, home, `import x from 'left-pad';`, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "installed packages: dayjs, lodash, uuid, zod") {
		t.Errorf("stderr: %s", res.Stderr)
	}
	// The sets are read-only.
	res = jsRun(t, home, `require('fs').writeFileSync('/packages/default/node_modules/lodash/x.js', '1')`, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "EROFS") && !strings.Contains(res.Stderr, "EACCES") && !strings.Contains(res.Stderr, "EPERM") {
		t.Errorf("stderr: %s", res.Stderr)
	}
	// Without the policy key the packages are not found.
	sb, err := New(JavaScript, WithRuntimeDir(home))
	if err != nil {
		t.Fatal(err)
	}
	res = run(t, sb, `require('lodash')`)
	wantOutcome(t, res, OutcomeGuestError)
	if !strings.Contains(res.Stderr, "installed packages: none") {
		t.Errorf("stderr: %s", res.Stderr)
	}
}
