package python

import (
	"encoding/json"
	"io"
	"os"

	"github.com/wasmsandbox/sandbox/internal/engine"
)

// stageReport is the report.json a guest writes into its stage directory
// once it has saved (or decided not to save) its globals.
type stageReport struct {
	Saved   bool     `json:"saved"`
	Bytes   int64    `json:"bytes"`
	NotKept []string `json:"not_kept"`
}

// stageReportMaxBytes bounds the report CollectStage accepts from the guest.
const stageReportMaxBytes = 1 << 20

// CollectStage reads what the guest left in g.Stage. It goes through an
// os.Root and refuses anything but regular files, so symbolic links the
// guest planted there cannot make the host read its own files.
func CollectStage(g *engine.Globals) {
	root, err := os.OpenRoot(g.Stage)
	if err != nil {
		return
	}
	defer root.Close()
	raw, ok := readRegular(root, "report.json", stageReportMaxBytes)
	if !ok {
		return // the guest was stopped before it finished saving
	}
	var rep stageReport
	if json.Unmarshal(raw, &rep) != nil {
		return
	}
	g.AddNotKept(rep.NotKept)
	if !rep.Saved || rep.Bytes > g.Max {
		return
	}
	out, ok := readRegular(root, "out", g.Max)
	if ok && int64(len(out)) == rep.Bytes {
		g.Saved, g.Out = true, out
	}
}

// readRegular reads name from root when it is a regular file of at most
// max bytes.
func readRegular(root *os.Root, name string, max int64) ([]byte, bool) {
	fi, err := root.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, false
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil || int64(len(data)) > max {
		return nil, false
	}
	return data, true
}
