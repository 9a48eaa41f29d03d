// Command checker is the second, independent implementation the store log is checked against: Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog (the Go checksum database's code), built offline
// from Debian's golang-golang-x-mod-dev with GO111MODULE=off. tests/common/tlog/interop_test.cpp runs it.
//
//	checker verify DIR   checks a log bodycam wrote: DIR/vkey, DIR/checkpoint, DIR/old-checkpoint, DIR/proofs,
//	                     DIR/tile/... (C2SP paths, entry bundles included)
//	checker make DIR N M writes a log of N leaves ("go leaf <i>") the same way, with an old checkpoint at size M,
//	                     Go's signer key in DIR/skey, for bodycam to verify
//
// Go's sumdb tiles are named tile/<H>/<L>/<N>[.p/<W>] and tile/<H>/data/<N>; C2SP (and bodycam) drop the height
// (always 8) and name data tiles "entries": tile/<L>/<N>[.p/<W>], tile/entries/<N>. c2spPath converts. Go's data
// tiles are the records concatenated; C2SP entry bundles prefix each entry with a big-endian uint16 length.
//
// proofs lines: "inclusion <index> <tree size> <base64 hash>..." and "consistency <old size> <new size> <hash>...".
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

// The tiles a tree of size n has in final form: full tiles and the last partial tile of each level.
func finalTiles(n int64) []tlog.Tile {
	var out []tlog.Tile
	for _, t := range tlog.NewTiles(height, 0, n) {
		count := n >> uint(height*t.L)
		full := t.W == 1<<height
		last := t.N == count>>height && int64(t.W) == count-t.N<<height
		if full || last {
			out = append(out, t)
		}
	}
	return out
}

type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return height }
func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}
func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

type memHashes []tlog.Hash

func (m memHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(m)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func openCheckpoint(path string, v note.Verifier) (checkpoint, error) {
	msg, err := os.ReadFile(path)
	if err != nil {
		return checkpoint{}, err
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open %s: %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("%s: short checkpoint", path)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: size: %v", path, err)
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: root: %v", path, err)
	}
	return checkpoint{lines[0], size, root}, nil
}

func decodeBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("truncated entry length")
		}
		l := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+l {
			return nil, errors.New("truncated entry")
		}
		out = append(out, b[2:2+l])
		b = b[2+l:]
	}
	return out, nil
}

func verify(dir string) error {
	vkey, err := os.ReadFile(filepath.Join(dir, "vkey"))
	if err != nil {
		return err
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return fmt.Errorf("note.NewVerifier: %v", err)
	}
	cp, err := openCheckpoint(filepath.Join(dir, "checkpoint"), v)
	if err != nil {
		return err
	}
	old, err := openCheckpoint(filepath.Join(dir, "old-checkpoint"), v)
	if err != nil {
		return err
	}
	// Recompute every stored hash from the entry bundles, independently of bodycam's tiles.
	var hashes memHashes
	records := int64(0)
	for _, t := range finalTiles(cp.size) {
		if t.L != 0 {
			continue
		}
		dt := t
		dt.L = -1
		b, err := os.ReadFile(filepath.Join(dir, c2spPath(dt)))
		if err != nil {
			return err
		}
		entries, err := decodeBundle(b)
		if err != nil || len(entries) != t.W {
			return fmt.Errorf("%s: %d entries, err %v", c2spPath(dt), len(entries), err)
		}
		for _, e := range entries {
			hs, err := tlog.StoredHashes(records, e, hashes)
			if err != nil {
				return err
			}
			hashes = append(hashes, hs...)
			records++
		}
	}
	if records != cp.size {
		return fmt.Errorf("entry bundles hold %d records, checkpoint says %d", records, cp.size)
	}
	if th, _ := tlog.TreeHash(cp.size, hashes); th != cp.root {
		return fmt.Errorf("tree hash of the entries %v != checkpoint root %v", th, cp.root)
	}
	if th, _ := tlog.TreeHash(old.size, hashes); th != old.root {
		return fmt.Errorf("tree hash at old size %d %v != old checkpoint root %v", old.size, th, old.root)
	}
	nTiles := 0
	for _, t := range finalTiles(cp.size) {
		want, err := tlog.ReadTileData(t, hashes)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(dir, c2spPath(t)))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("tile %s differs from Go's ReadTileData", c2spPath(t))
		}
		nTiles++
	}
	// Proofs bodycam made, checked by Go; and Go's own proofs over bodycam's tiles through TileHashReader.
	tr := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, dirTiles{dir})
	text, err := os.ReadFile(filepath.Join(dir, "proofs"))
	if err != nil {
		return err
	}
	nIncl, nCons := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 {
			return fmt.Errorf("proofs: bad line %q", line)
		}
		a, _ := strconv.ParseInt(f[1], 10, 64)
		b, _ := strconv.ParseInt(f[2], 10, 64)
		var p []tlog.Hash
		for _, s := range f[3:] {
			h, err := tlog.ParseHash(s)
			if err != nil {
				return err
			}
			p = append(p, h)
		}
		switch f[0] {
		case "inclusion":
			if b != cp.size {
				return fmt.Errorf("inclusion proof for size %d, checkpoint is %d", b, cp.size)
			}
			if err := tlog.CheckRecord(p, b, cp.root, a, hashes[tlog.StoredHashIndex(0, a)]); err != nil {
				return fmt.Errorf("CheckRecord %d in %d: %v", a, b, err)
			}
			goProof, err := tlog.ProveRecord(b, a, tr)
			if err != nil {
				return fmt.Errorf("ProveRecord over bodycam's tiles: %v", err)
			}
			if fmt.Sprint(goProof) != fmt.Sprint(tlog.RecordProof(p)) {
				return fmt.Errorf("inclusion proof %d differs from Go's", a)
			}
			nIncl++
		case "consistency":
			if a != old.size || b != cp.size {
				return fmt.Errorf("consistency proof %d→%d does not match the checkpoints", a, b)
			}
			if err := tlog.CheckTree(p, b, cp.root, a, old.root); err != nil {
				return fmt.Errorf("CheckTree %d→%d: %v", a, b, err)
			}
			goProof, err := tlog.ProveTree(b, a, tr)
			if err != nil {
				return fmt.Errorf("ProveTree over bodycam's tiles: %v", err)
			}
			if fmt.Sprint(goProof) != fmt.Sprint(tlog.TreeProof(p)) {
				return fmt.Errorf("consistency proof differs from Go's")
			}
			nCons++
		default:
			return fmt.Errorf("proofs: unknown kind %q", f[0])
		}
	}
	fmt.Printf("ok size=%d tiles=%d inclusion=%d consistency=%d origin=%s\n", cp.size, nTiles, nIncl, nCons, cp.origin)
	return nil
}

func write(dir, name string, data []byte) error {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

func hashList(p []tlog.Hash) string {
	var s []string
	for _, h := range p {
		s = append(s, h.String())
	}
	return strings.Join(s, " ")
}

func makeLog(dir string, n, m int64) error {
	const origin = "go.example/log"
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	var hashes memHashes
	var entries [][]byte
	for i := int64(0); i < n; i++ {
		e := []byte(fmt.Sprintf("go leaf %d", i))
		hs, err := tlog.StoredHashes(i, e, hashes)
		if err != nil {
			return err
		}
		hashes = append(hashes, hs...)
		entries = append(entries, e)
	}
	for _, t := range finalTiles(n) {
		data, err := tlog.ReadTileData(t, hashes)
		if err != nil {
			return err
		}
		if err := write(dir, c2spPath(t), data); err != nil {
			return err
		}
		if t.L == 0 {
			var bundle []byte
			for _, e := range entries[t.N<<height : t.N<<height+int64(t.W)] {
				bundle = binary.BigEndian.AppendUint16(bundle, uint16(len(e)))
				bundle = append(bundle, e...)
			}
			dt := t
			dt.L = -1
			if err := write(dir, c2spPath(dt), bundle); err != nil {
				return err
			}
		}
	}
	for _, c := range []struct {
		name string
		size int64
	}{{"checkpoint", n}, {"old-checkpoint", m}} {
		root, err := tlog.TreeHash(c.size, hashes)
		if err != nil {
			return err
		}
		msg, err := note.Sign(&note.Note{Text: fmt.Sprintf("%s\n%d\n%s\n", origin, c.size, root)}, signer)
		if err != nil {
			return err
		}
		if err := write(dir, c.name, msg); err != nil {
			return err
		}
	}
	var proofs strings.Builder
	for _, i := range []int64{0, 1, m - 1, m, n / 2, n - 1} {
		p, err := tlog.ProveRecord(n, i, hashes)
		if err != nil {
			return err
		}
		fmt.Fprintf(&proofs, "inclusion %d %d %s\n", i, n, hashList(p))
	}
	p, err := tlog.ProveTree(n, m, hashes)
	if err != nil {
		return err
	}
	fmt.Fprintf(&proofs, "consistency %d %d %s\n", m, n, hashList(p))
	for name, data := range map[string]string{"proofs": proofs.String(), "vkey": vkey + "\n", "skey": skey + "\n"} {
		if err := write(dir, name, []byte(data)); err != nil {
			return err
		}
	}
	fmt.Printf("ok made size=%d old=%d\n", n, m)
	return nil
}

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "verify":
		err = verify(os.Args[2])
	case len(os.Args) == 5 && os.Args[1] == "make":
		n, err1 := strconv.ParseInt(os.Args[3], 10, 64)
		m, err2 := strconv.ParseInt(os.Args[4], 10, 64)
		if err1 != nil || err2 != nil || m < 1 || m > n {
			err = errors.New("make: need N >= M >= 1")
		} else {
			err = makeLog(os.Args[2], n, m)
		}
	default:
		err = errors.New("usage: checker verify DIR | checker make DIR N M")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "checker:", err)
		os.Exit(1)
	}
}
