package payloadcrypt_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/kinerja/platform/internal/payloadcrypt"
)

func mustParse(t *testing.T, spec string) *payloadcrypt.Codec {
	t.Helper()
	c, err := payloadcrypt.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRoundTripHidesTheData(t *testing.T) {
	c := mustParse(t, payloadcrypt.NewKeySpec("k1"))
	dc := c.DataConverter()
	p, err := dc.ToPayload(map[string]string{"nip": "199203152018011003", "name": "Budi Santoso"})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Metadata[converter.MetadataEncoding]); got != payloadcrypt.Encoding {
		t.Errorf("encoding = %q", got)
	}
	if got := string(p.Metadata[payloadcrypt.MetadataKeyID]); got != "k1" {
		t.Errorf("key id = %q", got)
	}
	raw, _ := p.Marshal()
	if bytes.Contains(raw, []byte("Budi")) || bytes.Contains(raw, []byte("199203152018011003")) || bytes.Contains(raw, []byte("json/plain")) {
		t.Errorf("encrypted payload carries clear text: %q", raw)
	}
	var back map[string]string
	if err := dc.FromPayload(p, &back); err != nil || back["name"] != "Budi Santoso" {
		t.Fatalf("decoded %v, %v", back, err)
	}
}

func TestRotationKeepsOldPayloadsReadable(t *testing.T) {
	old, next := payloadcrypt.NewKeySpec("2025"), payloadcrypt.NewKeySpec("2026")
	before := mustParse(t, old)
	enc, err := before.Encode([]*commonpb.Payload{{Data: []byte("rahasia")}})
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustParse(t, next+","+old)
	if rotated.KeyID() != "2026" {
		t.Errorf("encrypting key = %s, want the first one", rotated.KeyID())
	}
	dec, err := rotated.Decode(enc)
	if err != nil || string(dec[0].Data) != "rahasia" {
		t.Fatalf("decode after rotation: %v %v", dec, err)
	}
	// Without the old key the payload is unreadable, and the error names the missing key id.
	if _, err := mustParse(t, next).Decode(enc); err == nil || !strings.Contains(err.Error(), `"2025"`) {
		t.Errorf("decode without the old key: %v", err)
	}
}

func TestTamperedOrMislabelledPayloadIsRefused(t *testing.T) {
	a, b := payloadcrypt.NewKeySpec("a"), payloadcrypt.NewKeySpec("b")
	c := mustParse(t, a+","+b)
	enc, err := c.Encode([]*commonpb.Payload{{Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	flipped := &commonpb.Payload{Metadata: enc[0].Metadata, Data: bytes.Clone(enc[0].Data)}
	flipped.Data[len(flipped.Data)-1] ^= 1
	if _, err := c.Decode([]*commonpb.Payload{flipped}); err == nil {
		t.Error("a flipped bit decrypted")
	}
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{
		converter.MetadataEncoding: []byte(payloadcrypt.Encoding), payloadcrypt.MetadataKeyID: []byte("b")}, Data: enc[0].Data}
	if _, err := c.Decode([]*commonpb.Payload{relabelled}); err == nil {
		t.Error("a payload relabelled with another key id decrypted")
	}
	if _, err := c.Decode([]*commonpb.Payload{{Metadata: enc[0].Metadata, Data: []byte{1, 2}}}); err == nil {
		t.Error("a truncated payload decrypted")
	}
}

func TestPlainPayloadsPassThrough(t *testing.T) {
	c := mustParse(t, payloadcrypt.NewKeySpec("k"))
	plain, _ := converter.GetDefaultDataConverter().ToPayload("terbuka")
	dec, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil || dec[0] != plain {
		t.Fatalf("plain payload: %v %v", dec, err)
	}
}

func TestParseNamesTheBadEntry(t *testing.T) {
	good := payloadcrypt.NewKeySpec("ok")
	for spec, want := range map[string]string{
		"":                   "entry 1 is not id:base64key",
		good + ",nokey":      "entry 2 is not id:base64key",
		"bad id:" + good[3:]: `key id "bad id"`,
		good + "," + good:    `"ok" appears twice`,
		"k:not*base64":       `key "k" is not standard base64`,
		"k:AAAA":             `key "k" has 3 bytes, want 32`,
	} {
		_, err := payloadcrypt.Parse(spec)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), payloadcrypt.EnvKeys) {
			t.Errorf("Parse(%.12q…) = %v, want an error with %q", spec, err, want)
		}
		if err != nil && len(spec) > 10 && strings.Contains(err.Error(), good[3:]) {
			t.Errorf("error quotes key material: %v", err)
		}
	}
}

func TestProductionNeedsAKey(t *testing.T) {
	t.Setenv(payloadcrypt.EnvKeys, "")
	_, err := payloadcrypt.FromEnv()
	if err == nil || !strings.Contains(err.Error(), payloadcrypt.EnvKeys+" is not set") {
		t.Fatalf("FromEnv without a key = %v", err)
	}
}

func TestDevKeyIsCreatedOnceAndReused(t *testing.T) {
	t.Setenv(payloadcrypt.EnvKeys, "")
	file := filepath.Join(t.TempDir(), ".data", "payload-keys")
	first, err := payloadcrypt.DevKeys(file)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	enc, err := first.Encode([]*commonpb.Payload{{Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := payloadcrypt.DevKeys(file)
	if err != nil {
		t.Fatal(err)
	}
	if dec, err := again.Decode(enc); err != nil || string(dec[0].Data) != "x" {
		t.Fatalf("a restart cannot read what the first run wrote: %v", err)
	}
	// The environment wins over the file.
	t.Setenv(payloadcrypt.EnvKeys, payloadcrypt.NewKeySpec("env"))
	if c, err := payloadcrypt.DevKeys(file); err != nil || c.KeyID() != "env" {
		t.Fatalf("with %s set: %v %v", payloadcrypt.EnvKeys, c, err)
	}
}

func TestFailureMessagesAreEncrypted(t *testing.T) {
	fc := mustParse(t, payloadcrypt.NewKeySpec("k")).FailureConverter()
	f := fc.ErrorToFailure(temporal.NewApplicationError("keberatan Budi Santoso ditolak", "forbidden"))
	raw, _ := f.Marshal()
	if bytes.Contains(raw, []byte("Budi")) {
		t.Errorf("failure carries the message in clear: %q", raw)
	}
	var app *temporal.ApplicationError
	if err := fc.FailureToError(f); !errors.As(err, &app) || app.Type() != "forbidden" || !strings.Contains(app.Error(), "Budi Santoso") {
		t.Errorf("decoded failure = %v", err)
	}
}
