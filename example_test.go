package sandbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/wasmsandbox/sandbox"
)

// Run a snippet of Python with the default limits.
func Example() {
	sb, err := sandbox.New(sandbox.Python)
	if err != nil {
		fmt.Println(err) // invalid policy, runtime not installed, ...
		return
	}
	res, err := sb.Execute(context.Background(), "print(sum(range(10)))")
	if err != nil {
		fmt.Println(err) // the host failed
		return
	}
	fmt.Print(res.Outcome, " ", res.Stdout)
	// Output: ok 45
}

// Limits that stop the guest are outcomes in the Result, not Go errors.
func ExampleSandbox_Execute_limits() {
	sb, err := sandbox.New(sandbox.Python, sandbox.WithPolicy(sandbox.Policy{
		FuelBudget: 1_500_000_000,
		Timeout:    2 * time.Second,
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, code := range []string{
		"while True: pass",
		"import time; time.sleep(60)",
		"raise ValueError('bad input')",
	} {
		res, err := sb.Execute(context.Background(), code)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(res.Outcome, res.Success)
	}
	// Output:
	// out_of_fuel false
	// timeout false
	// guest_error false
}

// An invalid policy names every bad field; nothing runs.
func ExamplePolicy_Validate() {
	err := sandbox.Policy{FuelBudget: -1, GuestWorkspace: "app"}.Validate()
	fmt.Println(err != nil)
	// Output: true
}

// Structured events go to the logger given with WithLogger.
func ExampleWithLogger() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sb, err := sandbox.New(sandbox.Python,
		sandbox.WithPolicy(sandbox.Policy{StdoutMaxBytes: 100}),
		sandbox.WithLogger(logger)) // logs security.violation: output_truncated
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := sb.Execute(context.Background(), "print('x' * 1000)")
	fmt.Println(res.Outcome, len(res.Stdout), res.StdoutTruncated)
	// Output: ok 100 true
}
