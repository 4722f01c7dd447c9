//go:build !linux

package wasifs

import (
	"io/fs"
	"time"
)

type hostStat struct {
	dev, ino, nlink uint64
	atim, ctim      time.Time
}

func sysStat(fs.FileInfo) (hostStat, bool) { return hostStat{}, false }
