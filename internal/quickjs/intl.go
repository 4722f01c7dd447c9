package quickjs

import (
	"embed"
	"strings"
	"sync"
)

// Intl is compiled and evaluated apart from the prelude, the first time a
// program uses it (prelude/intl.js): its code and data are large, and
// reading them into every context would slow every run.

//go:embed intl/number.js intl/date.js intl/data.json
var intlFS embed.FS

// intlFiles are the parts of the Intl source, joined in this order.
var intlFiles = []string{"intl/number.js", "intl/date.js"}

var (
	// intlSource is one function expression, (function (host) { ... }).
	intlSource = joinIntl()
	// intlData is the locale data (JSON), recorded from Node by
	// testdata/intl_gen.js.
	intlData = readIntl("intl/data.json")
	// intlCache holds intlSource compiled, keyed by the engine's version.
	intlCache sync.Map
)

func readIntl(name string) string {
	b, err := intlFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func joinIntl() string {
	parts := make([]string, len(intlFiles))
	for i, f := range intlFiles {
		parts[i] = readIntl(f)
	}
	return strings.Join(parts, "\n")
}

// hostIntlLoad returns the function intlSource evaluates to.
func hostIntlLoad(r *run, _ []int32) (int32, error) {
	return r.loadCompiled(&intlCache, intlSource, "<wasmsandbox-intl>")
}

// hostIntlData returns the locale data, as JSON text.
func hostIntlData(r *run, _ []int32) (int32, error) {
	return r.newString(intlData)
}
