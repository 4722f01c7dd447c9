package wasifs

import (
	"io/fs"
	"syscall"
	"time"
)

type hostStat struct {
	dev, ino, nlink uint64
	atim, ctim      time.Time
}

func sysStat(fi fs.FileInfo) (hostStat, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return hostStat{}, false
	}
	return hostStat{
		dev: uint64(st.Dev), ino: st.Ino, nlink: uint64(st.Nlink),
		atim: time.Unix(st.Atim.Unix()), ctim: time.Unix(st.Ctim.Unix()),
	}, true
}
