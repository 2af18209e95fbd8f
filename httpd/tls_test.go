package httpd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/setting"
)

// selfSigned writes a fresh self-signed certificate for 127.0.0.1 and its
// key to dir and returns their paths and a pool trusting it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "provbox test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	write := func(p, typ string, b []byte) {
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certFile, "CERTIFICATE", der)
	write(keyFile, "EC PRIVATE KEY", kder)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestHTTPS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t, t.TempDir())
	core := coreWithFile()
	s := newServer(t, Config{TLSAddr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile}, core)
	r := start(t, s, true)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("https://" + r.addr + "/y000000000028.cfg")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != string(core.files["/y000000000028.cfg"].Body) {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	if resp.TLS == nil {
		t.Fatal("answer not over TLS")
	}
	if reqs := core.requests(); len(reqs) != 1 || reqs[0].Proto != "https" {
		t.Fatalf("core saw %+v, want one https request", reqs)
	}
	// An untrusting client must fail the handshake: the cert is really used.
	if _, err := http.Get("https://" + r.addr + "/y000000000028.cfg"); err == nil {
		t.Error("client without the test CA accepted the certificate")
	}
}

func TestTLSConfigErrors(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, _ := selfSigned(t, dir)
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"tls addr without cert", Config{TLSAddr: ":443"}, "http.tls_cert and http.tls_key are both required"},
		{"cert without tls addr", Config{CertFile: certFile, KeyFile: keyFile}, "http.tls_listen: required when"},
		{"missing cert file", Config{TLSAddr: ":443", CertFile: filepath.Join(dir, "nope.crt"), KeyFile: keyFile}, "nope.crt"},
		{"key is not a key", Config{TLSAddr: ":443", CertFile: certFile, KeyFile: certFile}, "loading certificate and key"},
		{"header timeout above read timeout", Config{ReadHeaderTimeout: time.Minute, ReadTimeout: time.Second}, "ReadHeaderTimeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg, coreWithFile(), nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New = %v, want error containing %q", err, c.want)
			}
		})
	}
	s := newServer(t, Config{}, coreWithFile())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := s.ServeTLS(t.Context(), ln); err == nil {
		t.Error("ServeTLS without a certificate returned nil")
	}
}

func TestListen(t *testing.T) {
	certFile, keyFile, _ := selfSigned(t, t.TempDir())
	s := newServer(t, Config{Addr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", CertFile: certFile, KeyFile: keyFile}, coreWithFile())
	plain, secure, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	plain.Close()
	secure.Close()
	// A TLS address that cannot be bound must not leave the plain one open.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	s = newServer(t, Config{Addr: "127.0.0.1:0", TLSAddr: setting.HostPort(busy.Addr().String()), CertFile: certFile, KeyFile: keyFile}, coreWithFile())
	if p, sec, err := s.Listen(); err == nil || p != nil || sec != nil {
		t.Fatalf("Listen on a busy port = %v, %v, %v", p, sec, err)
	}
}

func TestDefaults(t *testing.T) {
	c := Config{ReadTimeout: 3 * time.Second}.withDefaults()
	if c.ReadHeaderTimeout != 3*time.Second || c.WriteTimeout != DefaultWriteTimeout ||
		c.IdleTimeout != DefaultIdleTimeout || c.MaxHeaderBytes != DefaultMaxHeaderBytes || c.ShutdownGrace != DefaultShutdownGrace {
		t.Errorf("withDefaults = %+v", c)
	}
	if c := (Config{}).withDefaults(); c.ReadHeaderTimeout != DefaultReadHeaderTimeout || c.ReadTimeout != DefaultReadTimeout {
		t.Errorf("withDefaults of zero = %+v", c)
	}
}
