package issuing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"fmt"
	"time"

	"omsdesk/assets/i18n"
	"omsdesk/layout/certificate"
	"omsdesk/layout/doc"
	"omsdesk/layout/face"
	"omsdesk/layout/qr"
)

// Preview resolutions: enough to read on screen, cheap to rasterise.
const (
	facePreviewDPI        = 200
	certificatePreviewDPI = 60
)

// LayoutRenderer is the Renderer of the application: the card faces of layout/face
// and the certificate of layout/certificate, previews rasterised by layout/doc.
type LayoutRenderer struct {
	Tr *i18n.Catalog
	// Office names the issuing office on the certificate.
	Office string
	// OfficeCode is the office's code in the QR payload (printable ASCII, layout/qr).
	OfficeCode string
	// QRSigner and QRCert, when both set, sign the QR code of the face and the
	// certificate (layout/qr: the holder, the insurer, the serial, OfficeCode);
	// without them the print-outs carry no QR code. The office's signing key serves.
	QRSigner crypto.Signer
	QRCert   *x509.Certificate
	// Now fixes the PDFs' dates (tests); nil means time.Now.
	Now func() time.Time
}

func (r LayoutRenderer) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r LayoutRenderer) qr(d Printable) (string, error) {
	if r.QRSigner == nil || r.QRCert == nil {
		return "", nil
	}
	return qr.Sign(qr.FromPolicy(d.Policy, d.Serial, r.OfficeCode), r.QRSigner, r.QRCert)
}

// Face lays out both faces and renders them.
func (r LayoutRenderer) Face(d Printable) (front, back, pdf []byte, err error) {
	q, err := r.qr(d)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("signing QR payload: %w", err)
	}
	fd := face.Data{Policy: d.Policy, CardSerial: d.Serial, Photo: d.Photo, SignatureImage: d.Signature,
		QRText: q, Issued: d.Issued}
	f, b, err := face.Layout(fd, r.Tr, face.Options{})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("laying out card face: %w", err)
	}
	var fb, bb, pb bytes.Buffer
	if err := face.WritePNG(&fb, f, facePreviewDPI); err != nil {
		return nil, nil, nil, fmt.Errorf("rendering card front: %w", err)
	}
	if err := face.WritePNG(&bb, b, facePreviewDPI); err != nil {
		return nil, nil, nil, fmt.Errorf("rendering card back: %w", err)
	}
	if err := face.WritePDF(&pb, []*doc.Page{f, b}, r.Tr, r.now()); err != nil {
		return nil, nil, nil, fmt.Errorf("writing card face PDF: %w", err)
	}
	return fb.Bytes(), bb.Bytes(), pb.Bytes(), nil
}

// Certificate lays out the A4 certificate and renders it.
func (r LayoutRenderer) Certificate(d Printable) (preview, pdf []byte, err error) {
	q, err := r.qr(d)
	if err != nil {
		return nil, nil, fmt.Errorf("signing QR payload: %w", err)
	}
	cd := certificate.Data{Policy: d.Policy, CardSerial: d.Serial, Photo: d.Photo, Office: r.Office, IssueDate: d.Issued}
	if q != "" {
		cd.QRTexts = []string{q}
	}
	opts := certificate.Options{Created: r.now()}
	pg, err := certificate.Layout(cd, r.Tr, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("laying out certificate: %w", err)
	}
	var img, out bytes.Buffer
	if err := doc.WritePNG(&img, pg, certificatePreviewDPI); err != nil {
		return nil, nil, fmt.Errorf("rendering certificate: %w", err)
	}
	if err := certificate.Write(&out, []certificate.Data{cd}, r.Tr, opts); err != nil {
		return nil, nil, fmt.Errorf("writing certificate PDF: %w", err)
	}
	return img.Bytes(), out.Bytes(), nil
}
