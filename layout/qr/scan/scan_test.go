package scan_test

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"omsdesk/layout/qr"
	"omsdesk/layout/qr/scan"
)

// Every code we render decodes with zbarimg to exactly the signed text, our scanner reads
// the same text, and it verifies.
func TestRenderedCodesDecode(t *testing.T) {
	zbar := needTool(t, "zbarimg", "zbar-tools")
	s := newSigner(t)
	trust := qr.NewTrust(s.cert)
	utf := payload(1)
	utf.Surname, utf.FirstName = "Іваненко", "Ольга"
	for name, p := range map[string]qr.Payload{"sample": payload(0), "max": maxPayload(), "utf8": utf} {
		for _, px := range []int{2, 4} {
			text := s.sign(t, p)
			path := writePNG(t, render(t, text, px))
			out, err := exec.Command(zbar, "--nodbus", "--raw", "-q", path).Output()
			if err != nil {
				t.Fatalf("%s/%dpx: zbarimg: %v", name, px, err)
			}
			if got := strings.TrimSuffix(string(out), "\n"); got != text {
				t.Errorf("%s/%dpx: zbarimg read\n%q\nwant\n%q", name, px, got, text)
			}
			codes, err := scan.File(path)
			if err != nil || len(codes) != 1 || codes[0] != (scan.Code{Text: text}) {
				t.Fatalf("%s/%dpx: scan.File = %+v, %v", name, px, codes, err)
			}
			if res := qr.Verify(codes[0].Text, trust); res.Verdict != qr.Valid {
				t.Errorf("%s/%dpx: %+v", name, px, res)
			}
		}
	}
}

// A sheet of several codes, one of them somebody else's, gives every text once.
func TestEveryCodeOnASheet(t *testing.T) {
	s := newSigner(t)
	var want []string
	var imgs []image.Image
	var at []image.Point
	for i := range 4 {
		text := s.sign(t, payload(i))
		want = append(want, text)
		imgs = append(imgs, render(t, text, 3))
		at = append(at, image.Pt(40+(i%2)*260, 40+(i/2)*260))
	}
	foreign := "HTTPS://EXAMPLE.ORG/"
	want = append(want, foreign)
	imgs = append(imgs, render(t, foreign, 4))
	at = append(at, image.Pt(560, 40))
	got, err := scan.Image(sheet(760, 600, imgs, at))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("found %d codes:\n%q\nwant %d:\n%q", len(got), got, len(want), want)
	}
}

func TestNoCode(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 400, 300))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	noise := image.NewGray(image.Rect(0, 0, 300, 300))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	for name, img := range map[string]image.Image{"blank": blank, "noise": noise, "empty": image.NewGray(image.Rect(0, 0, 0, 0))} {
		if got, err := scan.Image(img); !errors.Is(err, scan.ErrNoCode) {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
}

// photo degrades a rendered code the way a phone camera does: on a grey desk, rotated,
// shrunk, blurred and noisy.
func photo(src image.Image, degrees, scale float64, blur, noise int, seed uint64) *image.Gray {
	sb := src.Bounds()
	w := int(float64(sb.Dx())*scale*1.6) + 40
	dst := image.NewGray(image.Rect(0, 0, w, w))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.Gray{0x90}), image.Point{}, draw.Src)
	th := degrees * math.Pi / 180
	c, s := math.Cos(th)*scale, math.Sin(th)*scale
	cx, cy := float64(sb.Dx())/2, float64(sb.Dy())/2
	tx, ty := float64(w)/2-(c*cx-s*cy), float64(w)/2-(s*cx+c*cy)
	xdraw.BiLinear.Transform(dst, f64.Aff3{c, -s, tx, s, c, ty}, src, sb, draw.Over, nil)
	out := image.NewGray(dst.Bounds())
	r := rand.New(rand.NewPCG(seed, 7))
	for y := range w {
		for x := range w {
			sum, n := 0, 0
			for dy := -blur; dy <= blur; dy++ {
				for dx := -blur; dx <= blur; dx++ {
					if p := image.Pt(x+dx, y+dy); p.In(dst.Rect) {
						sum += int(dst.GrayAt(p.X, p.Y).Y)
						n++
					}
				}
			}
			v := sum/n + r.IntN(2*noise+1) - noise
			out.SetGray(x, y, color.Gray{uint8(min(255, max(0, v)))})
		}
	}
	return out
}

// Photo-like images either give exactly the signed text or no code: never another text.
// The mild cases must decode, so that the test can fail.
func TestPhotoLike(t *testing.T) {
	s := newSigner(t)
	text := s.sign(t, payload(0))
	code := render(t, text, 4)
	tests := []struct {
		name           string
		degrees, scale float64
		blur, noise    int
		mustDecode     bool
	}{
		{"straight", 0, 1, 0, 0, true},
		{"tilted 5°", 5, 1, 0, 10, true},
		{"tilted 12°, shrunk", -12, 0.8, 1, 15, false}, // decodes about 14 times in 15: the signature, and so the code, changes every run
		{"upside down", 180, 0.9, 0, 10, true},
		{"shrunk to 2 px/module, blurred", 3, 0.5, 1, 20, false},
		{"tiny and noisy", 8, 0.35, 1, 60, false},
		{"very blurred", 2, 1, 4, 30, false},
	}
	for i, tt := range tests {
		got, err := scan.Image(photo(code, tt.degrees, tt.scale, tt.blur, tt.noise, uint64(i)))
		switch {
		case err == nil && (len(got) != 1 || got[0] != text):
			t.Errorf("%s: read a wrong text: %q", tt.name, got)
		case err != nil && !errors.Is(err, scan.ErrNoCode):
			t.Errorf("%s: %v", tt.name, err)
		case err != nil && tt.mustDecode:
			t.Errorf("%s: not decoded", tt.name)
		default:
			t.Logf("%s: decoded=%v", tt.name, err == nil)
		}
	}
}
