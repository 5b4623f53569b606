// Package payloadcrypt encrypts every payload the platform hands to Temporal (workflow inputs,
// update arguments, results, memo, failure details) with AES-256-GCM, so the workflow engine's
// database holds no NIP, name, plan text or appeal reason in clear.
//
// Keys come from KINERJA_PAYLOAD_KEYS ("id:base64key,id2:base64key"): the first key encrypts,
// every key decrypts, and each payload names its key id in its metadata so keys can rotate:
// put the new key first, keep the old ones until no running year still holds their payloads.
package payloadcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
)

// EnvKeys names the environment variable that holds the keys.
const EnvKeys = "KINERJA_PAYLOAD_KEYS"

const (
	// Encoding marks an encrypted payload in its "encoding" metadata.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the key that encrypted a payload.
	MetadataKeyID = "encryption-key-id"
	keySize       = 32 // AES-256
)

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Codec is a converter.PayloadCodec; build it with Parse, FromEnv or DevKeys.
type Codec struct {
	current string // key id that encrypts
	aeads   map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// Parse reads keys in the KINERJA_PAYLOAD_KEYS form. Errors name the entry and why, never the key.
func Parse(spec string) (*Codec, error) {
	c := &Codec{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		id, b64, ok := strings.Cut(entry, ":")
		if !ok {
			return nil, fmt.Errorf("%s: entry %d is not id:base64key", EnvKeys, i+1)
		}
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("%s: entry %d: key id %q must be 1-64 letters, digits, '.', '_' or '-'", EnvKeys, i+1, id)
		}
		if _, dup := c.aeads[id]; dup {
			return nil, fmt.Errorf("%s: key id %q appears twice", EnvKeys, id)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q is not standard base64", EnvKeys, id)
		}
		if len(key) != keySize {
			return nil, fmt.Errorf("%s: key %q has %d bytes, want %d (AES-256; `openssl rand -base64 32` makes one)", EnvKeys, id, len(key), keySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", EnvKeys, id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", EnvKeys, id, err)
		}
		c.aeads[id] = aead
		if c.current == "" {
			c.current = id
		}
	}
	return c, nil
}

// FromEnv reads KINERJA_PAYLOAD_KEYS; production refuses to start without it.
func FromEnv() (*Codec, error) {
	spec := strings.TrimSpace(os.Getenv(EnvKeys))
	if spec == "" {
		return nil, fmt.Errorf("%s is not set: the platform encrypts every Temporal payload and needs a key, "+
			"e.g. %s=k1:$(openssl rand -base64 32) (see deploy/README.md)", EnvKeys, EnvKeys)
	}
	return Parse(spec)
}

// DevKeys is for `kinerja dev`: KINERJA_PAYLOAD_KEYS when set, else the key in file, created
// (mode 0600) on first use and reused after, so a restart still reads the years already running.
func DevKeys(file string) (*Codec, error) {
	if strings.TrimSpace(os.Getenv(EnvKeys)) != "" {
		return FromEnv()
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		spec := NewKeySpec("dev1")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create dev payload key %s: %w", file, err)
		}
		_, werr := f.WriteString(spec + "\n")
		if err := errors.Join(werr, f.Close()); err != nil {
			return nil, fmt.Errorf("write dev payload key %s: %w", file, err)
		}
		return Parse(spec)
	}
	if err != nil {
		return nil, fmt.Errorf("read dev payload key: %w", err)
	}
	c, err := Parse(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("dev payload key %s: %w", file, err)
	}
	return c, nil
}

// NewKeySpec returns a fresh random key in the KINERJA_PAYLOAD_KEYS form.
func NewKeySpec(id string) string {
	key := make([]byte, keySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	return id + ":" + base64.StdEncoding.EncodeToString(key)
}

// KeyID is the id of the key that encrypts.
func (c *Codec) KeyID() string { return c.current }

// Encode encrypts each payload whole (metadata and data) under the current key; the key id is
// also the additional data, so a payload cannot be passed off as another key's.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.current]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := p.Marshal()
		if err != nil {
			return nil, fmt.Errorf("payloadcrypt: marshal payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("payloadcrypt: nonce: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.current),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.current)),
		}
	}
	return out, nil
}

// Decode decrypts encrypted payloads and passes others through unchanged (histories written
// before encryption was on still replay).
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, fmt.Errorf("payloadcrypt: payload encrypted with key %q, which %s does not hold", id, EnvKeys)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, fmt.Errorf("payloadcrypt: encrypted payload too short")
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payloadcrypt: decrypt with key %q: %w", id, err)
		}
		dec := &commonpb.Payload{}
		if err := dec.Unmarshal(plain); err != nil {
			return nil, fmt.Errorf("payloadcrypt: decrypted payload: %w", err)
		}
		out[i] = dec
	}
	return out, nil
}

// DataConverter is the default converter with every payload passing through the codec.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter puts failure messages and stack traces (which can quote inputs) into an
// encrypted payload too.
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: c.DataConverter(), EncodeCommonAttributes: true,
	})
}
