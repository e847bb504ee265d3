package relay

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// KeySize is the length of a relay key: 32 bytes, an AES-256 key.
const KeySize = 32

// MakeKey is the command line that makes a relay key file, which the
// errors about a missing or short one show.
const MakeKey = "head -c 32 /dev/urandom > relay.key; chmod 600 relay.key"

// ErrSealed is wrapped by every failure to open a message that was not
// sealed with this key for the id it carries (a node with another relay
// key, or a forgery).
var ErrSealed = errors.New("message does not open with the relay key")

// Key is the relay key the capture nodes and the workstation share. A
// message travels sealed with it (AES-256-GCM), because JetStream writes
// what it is given to disk and a captured exchange carries credentials in
// the clear: Authorization, cookies, passwords, tokens. Nodes cannot hash
// them instead, since the workstation's detection needs the clear copy and
// the store's hashing key lives in the store.
//
// The key itself seals nothing. A message is sealed with a subkey derived
// from it (HKDF-SHA256) for its node, its run and its block of 2^blockBits
// sequence numbers, under a random 12-byte nonce: so no AES-GCM key seals
// more than about a million messages, far below the 2^32 random nonces
// GCM allows one key, however many nodes share a key file and for however
// long. A Key is safe for concurrent use.
type Key struct {
	secret []byte
	blocks sync.Map // blockID → cipher.AEAD
	n      atomic.Int64
}

// blockBits sets how many messages of a run one subkey seals: 2^20.
const blockBits = 20

// maxBlocks bounds the subkeys a Key keeps; beyond, it forgets them all
// and derives again what it needs.
const maxBlocks = 4096

type blockID struct {
	node       string
	run, block uint64
}

// NewKey makes a Key of KeySize bytes.
func NewKey(b []byte) (*Key, error) {
	if len(b) != KeySize {
		return nil, fmt.Errorf("relay key of %d bytes, want %d", len(b), KeySize)
	}
	return &Key{secret: bytes.Clone(b)}, nil
}

// aead is the subkey that seals the message with id id.
func (k *Key) aead(id ID) (cipher.AEAD, error) {
	b := blockID{node: id.Node, run: id.Run, block: id.Seq >> blockBits}
	if a, ok := k.blocks.Load(b); ok {
		return a.(cipher.AEAD), nil
	}
	info := fmt.Sprintf("spoor relay v%d %s/%d/%d", wireVersion, b.node, b.run, b.block)
	sub, err := hkdf.Key(sha256.New, k.secret, nil, info, KeySize)
	if err != nil {
		return nil, fmt.Errorf("relay subkey: %w", err)
	}
	block, err := aes.NewCipher(sub)
	if err != nil {
		return nil, fmt.Errorf("relay subkey: %w", err)
	}
	// The AEAD draws each message's nonce at random and writes it before
	// the sealed bytes.
	a, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("relay subkey: %w", err)
	}
	if k.n.Add(1) > maxBlocks {
		k.blocks.Clear()
		k.n.Store(1)
	}
	k.blocks.Store(b, a)
	return a, nil
}

// ReadKey reads a relay key file: exactly KeySize bytes, readable by its
// owner only (as ssh requires of a private key), since whoever reads it
// reads every exchange in the stream.
func ReadKey(path string) (*Key, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("relay key %s does not exist; make one with: %s", path, MakeKey)
	}
	if err != nil {
		return nil, fmt.Errorf("read relay key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read relay key %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("relay key %s is not a file; make one with: %s", path, MakeKey)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("relay key %s is readable by others (mode %04o): chmod 600 %s", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, KeySize+1))
	if err != nil {
		return nil, fmt.Errorf("read relay key %s: %w", path, err)
	}
	if len(b) != KeySize {
		what := fmt.Sprintf("%d bytes", len(b))
		if len(b) > KeySize {
			what = "more than 32 bytes"
		}
		return nil, fmt.Errorf("relay key %s has %s, want exactly %d random bytes; make one with: %s", path, what, KeySize, MakeKey)
	}
	return NewKey(b)
}

// WriteKey writes a new relay key to path, readable by its owner only. It
// never overwrites a file: a key replaced on one side no longer opens what
// the others seal.
func WriteKey(path string) error {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24 and later).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: a relay key is never overwritten; remove it first, or name another file", path)
	}
	if err != nil {
		return fmt.Errorf("write relay key: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("write relay key %s: %w", path, err)
	}
	return nil
}

// Seal appends to dst the message that carries plain, what Encode
// returned for id: plain's version byte in the clear, a random nonce,
// then the rest of plain sealed, with the version and the id's string (the
// message's Nats-Msg-Id) as additional data, so that a sealed body
// replayed under another id does not open.
func (k *Key) Seal(dst []byte, id ID, plain []byte) ([]byte, error) {
	a, err := k.aead(id)
	if err != nil {
		return nil, err
	}
	dst = append(dst, plain[0])
	return a.Seal(dst, nil, plain[1:], additional(plain[0], id.String())), nil
}

// Open returns the encoding a message published as msgID (its
// Nats-Msg-Id) carries, for Decode. It fails with ErrWire when the
// message's version is not this spoor's, and with ErrSealed unless the
// message was sealed with this key for this id.
func (k *Key) Open(msgID string, msg []byte) ([]byte, error) {
	switch {
	case len(msg) == 0:
		return nil, fmt.Errorf("%w: empty", ErrWire)
	case msg[0] != wireVersion:
		return nil, fmt.Errorf("%w: version %d, want %d (a node of another spoor version, or without --relay-key)", ErrWire, msg[0], wireVersion)
	}
	id, err := ParseID(msgID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSealed, err)
	}
	a, err := k.aead(id)
	if err != nil {
		return nil, err
	}
	plain, err := a.Open([]byte{msg[0]}, nil, msg[1:], additional(msg[0], msgID))
	if err != nil {
		return nil, fmt.Errorf("%w under id %q", ErrSealed, msgID)
	}
	return plain, nil
}

// sealOverhead is how many bytes sealing adds: the nonce and GCM's tag.
const sealOverhead = 12 + 16

func additional(version byte, id string) []byte {
	return append([]byte{version}, id...)
}
