//go:build unix

package register

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// TestFilesHostile: a symbolic link out of the register's folder and a FIFO (which
// would block an open) are refused without being read.
func TestFilesHostile(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	jpg, err := os.ReadFile(filepath.Join("testdata", "photos", "adult.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(outside, "x.jpg"), filepath.Join(dir, "ok.jpg")} {
		if err := os.WriteFile(p, jpg, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "x.jpg"), filepath.Join(dir, "abs.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../"+filepath.Base(outside)+"/x.jpg", filepath.Join(dir, "rel.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.jpg", filepath.Join(dir, "inside.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.jpg"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "locked.jpg")
	if err := os.WriteFile(unreadable, jpg, 0o000); err != nil {
		t.Fatal(err)
	}
	csv := "enp,surname,first_name,birth_date,sex,insurer_ogrn,insurer_okato,insurance_start,photo\n" +
		"7700000000000016,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,abs.jpg\n" +
		"7700000000000024,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,rel.jpg\n" +
		"7700000000000032,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,fifo.jpg\n" +
		"7700000000000040,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,inside.jpg\n" +
		"7700000000000057,Иванов,Иван,15.03.1985,М,1027700000008,45000,2015-09-01,locked.jpg\n"
	reg, err := Parse(bytes.NewReader([]byte(csv)), Options{Now: GenerateNow, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2:photo:file.outside_dir", "3:photo:file.outside_dir", "4:photo:file.not_regular", "6:photo:file.unreadable"}
	if os.Geteuid() == 0 { // root reads a mode-000 file
		want = want[:3]
	}
	if got := problemKeys(reg.Problems); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if len(reg.Rows) == 0 || reg.Rows[0].Line != 5 {
		t.Errorf("the link inside the folder was refused: %+v", reg.Rows)
	}
}
