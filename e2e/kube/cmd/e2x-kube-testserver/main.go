// Command e2x-kube-testserver runs the real kube-apiserver on loopback with an
// embedded etcd, for the portal's integration tests.
//
//	e2x-kube-testserver serve --state-dir DIR [--secure-port N] [--exit-with-parent] [-- EXTRA_APISERVER_FLAGS...]
//	e2x-kube-testserver user-kubeconfig --state-dir DIR --user NAME [--group G]... [--expired] --out FILE
//
// serve creates (once) a CA, a serving certificate, an admin client
// certificate (CN=admin, O=system:masters) and a service-account signing key
// in DIR/pki, starts etcd with its data in DIR/etcd, starts kube-apiserver with
// RBAC, client-certificate and service-account authentication, waits for
// /readyz, writes DIR/admin.kubeconfig and prints one line:
//
//	E2X-KUBE-READY {"server":"https://127.0.0.1:PORT","kubeconfig":"DIR/admin.kubeconfig",...}
//
// Ports are chosen free on first start and kept in DIR/ports.json, so a restart
// on the same state directory serves the same URL with the same data.
// SIGTERM or SIGINT shuts the API server down, then etcd.
//
// user-kubeconfig signs a client certificate for CN=NAME, O=G... with the CA
// of DIR and writes a kubeconfig for the running server.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	"k8s.io/component-base/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

const readyPrefix = "E2X-KUBE-READY "

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "serve":
		os.Exit(serve(os.Args[2:]))
	case "user-kubeconfig":
		os.Exit(userKubeconfig(os.Args[2:]))
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: e2x-kube-testserver serve --state-dir DIR [--secure-port N] [-- APISERVER_FLAGS...]")
	fmt.Fprintln(os.Stderr, "       e2x-kube-testserver user-kubeconfig --state-dir DIR --user NAME [--group G]... [--expired] --out FILE")
	os.Exit(2)
}

type ports struct {
	SecurePort     int `json:"securePort"`
	EtcdClientPort int `json:"etcdClientPort"`
	EtcdPeerPort   int `json:"etcdPeerPort"`
}

type readyInfo struct {
	Server     string `json:"server"`
	Kubeconfig string `json:"kubeconfig"`
	StateDir   string `json:"stateDir"`
	Pid        int    `json:"pid"`
	Version    string `json:"version"`
}

func serve(args []string) int {
	var extra []string
	for i, a := range args {
		if a == "--" {
			extra = args[i+1:]
			args = args[:i]
			break
		}
	}
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	stateDir := fs.String("state-dir", "", "directory for certificates, etcd data and kubeconfig (required)")
	securePort := fs.Int("secure-port", 0, "API server port (default: kept from an earlier start, else a free one)")
	exitWithParent := fs.Bool("exit-with-parent", false, "shut down when the process that started this one goes away")
	_ = fs.Parse(args)
	if *exitWithParent {
		go watchParent()
	}
	if *stateDir == "" {
		fmt.Fprintln(os.Stderr, "serve: --state-dir is required")
		return 2
	}
	dir, err := filepath.Abs(*stateDir)
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "pki"), 0o700); err != nil {
		return fail(err)
	}
	pk, err := ensurePKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fail(fmt.Errorf("pki: %w", err))
	}
	p, err := loadPorts(dir, *securePort)
	if err != nil {
		return fail(fmt.Errorf("ports: %w", err))
	}

	etcd, err := startEtcd(dir, p)
	if err != nil {
		return fail(fmt.Errorf("etcd: %w", err))
	}
	defer etcd.Close()

	server := fmt.Sprintf("https://127.0.0.1:%d", p.SecurePort)
	pkiDir := filepath.Join(dir, "pki")
	apiArgs := []string{
		fmt.Sprintf("--etcd-servers=http://127.0.0.1:%d", p.EtcdClientPort),
		fmt.Sprintf("--secure-port=%d", p.SecurePort),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--cert-dir=" + filepath.Join(dir, "cert-dir"),
		"--tls-cert-file=" + filepath.Join(pkiDir, "serving.crt"),
		"--tls-private-key-file=" + filepath.Join(pkiDir, "serving.key"),
		"--client-ca-file=" + filepath.Join(pkiDir, "ca.crt"),
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + filepath.Join(pkiDir, "sa.pub"),
		"--service-account-signing-key-file=" + filepath.Join(pkiDir, "sa.key"),
		// No controller-manager runs, so nobody creates the "default"
		// ServiceAccount that this admission plugin waits for.
		"--disable-admission-plugins=ServiceAccount",
		"--allow-privileged=true",
		// The "kubernetes" Endpoints may not point at loopback; nothing here needs them.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
		"--v=0",
	}
	apiArgs = append(apiArgs, extra...)

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(apiArgs)
	done := make(chan int, 1)
	go func() { done <- cli.Run(cmd) }()

	readyErr := make(chan error, 1)
	go func() { readyErr <- waitReady(server, pk, 3*time.Minute) }()
	select {
	case code := <-done:
		fmt.Fprintf(os.Stderr, "kube-apiserver exited before it was ready (code %d)\n", code)
		if code == 0 {
			code = 1
		}
		return code
	case err := <-readyErr:
		if err != nil {
			return fail(err)
		}
	}

	kubeconfig := filepath.Join(dir, "admin.kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, pk.caPEM, "admin", pk.adminCertPEM, pk.adminKeyPEM); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "server"), []byte(server+"\n"), 0o600); err != nil {
		return fail(err)
	}
	info, _ := json.Marshal(readyInfo{Server: server, Kubeconfig: kubeconfig, StateDir: dir, Pid: os.Getpid(), Version: version.Get().GitVersion})
	fmt.Println(readyPrefix + string(info))

	code := <-done
	return code
}

// watchParent sends SIGTERM to this process once its parent is gone (it is then
// re-parented), so a test runner that dies without stopping the server leaves nothing behind.
func watchParent() {
	parent := os.Getppid()
	for {
		time.Sleep(500 * time.Millisecond)
		if os.Getppid() != parent {
			fmt.Fprintln(os.Stderr, "e2x-kube-testserver: parent process gone, shutting down")
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
			return
		}
	}
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "e2x-kube-testserver:", err)
	return 1
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func loadPorts(dir string, securePort int) (ports, error) {
	var p ports
	path := filepath.Join(dir, "ports.json")
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &p); err != nil {
			return p, err
		}
	}
	if securePort != 0 {
		p.SecurePort = securePort
	}
	for _, f := range []*int{&p.SecurePort, &p.EtcdClientPort, &p.EtcdPeerPort} {
		if *f == 0 {
			n, err := freePort()
			if err != nil {
				return p, err
			}
			*f = n
		}
	}
	b, _ := json.Marshal(p)
	return p, os.WriteFile(path, b, 0o600)
}

func startEtcd(dir string, p ports) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "e2x-test"
	cfg.Dir = filepath.Join(dir, "etcd")
	cfg.UnsafeNoFsync = true
	cu := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", p.EtcdClientPort)}
	pu := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", p.EtcdPeerPort)}
	cfg.ListenClientUrls = []url.URL{cu}
	cfg.AdvertiseClientUrls = []url.URL{cu}
	cfg.ListenPeerUrls = []url.URL{pu}
	cfg.AdvertisePeerUrls = []url.URL{pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(dir, "etcd.log")}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(time.Minute):
		e.Close()
		return nil, errors.New("etcd was not ready within a minute")
	}
}

func waitReady(server string, pk *pki, timeout time.Duration) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pk.caPEM)
	cert, err := tls.X509KeyPair(pk.adminCertPEM, pk.adminKeyPEM)
	if err != nil {
		return err
	}
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}},
	}
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver not ready after %s: %s", timeout, last)
}

// --- certificates ---

type pki struct {
	caPEM        []byte
	caKey        crypto.Signer
	caCert       *x509.Certificate
	adminCertPEM []byte
	adminKeyPEM  []byte
}

func ensurePKI(dir string) (*pki, error) {
	caCrt, caKey := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	if _, err := os.Stat(caCrt); errors.Is(err, os.ErrNotExist) {
		key, keyPEM, err := newECKey()
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{
			Subject:               pkix.Name{CommonName: "e2x-test-ca"},
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		}
		certPEM, err := sign(tmpl, key.Public(), nil, key)
		if err != nil {
			return nil, err
		}
		if err := writePair(caCrt, certPEM, caKey, keyPEM); err != nil {
			return nil, err
		}
	}
	p, err := loadCA(dir)
	if err != nil {
		return nil, err
	}

	servingCrt := filepath.Join(dir, "serving.crt")
	if _, err := os.Stat(servingCrt); errors.Is(err, os.ErrNotExist) {
		key, keyPEM, err := newECKey()
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP("10.0.0.1")},
			DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
				"kubernetes.default.svc.cluster.local"},
		}
		certPEM, err := sign(tmpl, key.Public(), p.caCert, p.caKey)
		if err != nil {
			return nil, err
		}
		if err := writePair(servingCrt, certPEM, filepath.Join(dir, "serving.key"), keyPEM); err != nil {
			return nil, err
		}
	}

	adminCrt, adminKey := filepath.Join(dir, "admin.crt"), filepath.Join(dir, "admin.key")
	if _, err := os.Stat(adminCrt); errors.Is(err, os.ErrNotExist) {
		certPEM, keyPEM, err := p.clientCert("admin", []string{"system:masters"})
		if err != nil {
			return nil, err
		}
		if err := writePair(adminCrt, certPEM, adminKey, keyPEM); err != nil {
			return nil, err
		}
	}
	if p.adminCertPEM, err = os.ReadFile(adminCrt); err != nil {
		return nil, err
	}
	if p.adminKeyPEM, err = os.ReadFile(adminKey); err != nil {
		return nil, err
	}

	saKey := filepath.Join(dir, "sa.key")
	if _, err := os.Stat(saKey); errors.Is(err, os.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			return nil, err
		}
		if err := writePair(filepath.Join(dir, "sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
			saKey, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func loadCA(dir string) (*pki, error) {
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "ca.key"))
	if err != nil {
		return nil, err
	}
	cb, _ := pem.Decode(caPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, errors.New("bad CA PEM")
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, errors.New("CA key is not a signer")
	}
	return &pki{caPEM: caPEM, caKey: signer, caCert: cert}, nil
}

func (p *pki) clientCert(user string, groups []string) (certPEM, keyPEM []byte, err error) {
	return p.clientCertValid(user, groups, false)
}

// clientCertValid issues a client certificate; expired ones (for tests of expired
// credentials) ended an hour ago.
func (p *pki) clientCertValid(user string, groups []string, expired bool) (certPEM, keyPEM []byte, err error) {
	key, keyPEM, err := newECKey()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: user, Organization: groups},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	certPEM, err = signValid(tmpl, key.Public(), p.caCert, p.caKey, expired)
	return certPEM, keyPEM, err
}

func newECKey() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func sign(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer) ([]byte, error) {
	return signValid(tmpl, pub, parent, signer, false)
}

func signValid(tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, signer crypto.Signer, expired bool) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(10 * 365 * 24 * time.Hour)
	if expired {
		tmpl.NotBefore = time.Now().Add(-48 * time.Hour)
		tmpl.NotAfter = time.Now().Add(-time.Hour)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func writePair(certPath string, certPEM []byte, keyPath string, keyPEM []byte) error {
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, certPEM, 0o644)
}

func writeKubeconfig(path, server string, caPEM []byte, user string, certPEM, keyPEM []byte) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["e2x-test"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: caPEM}
	cfg.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: certPEM, ClientKeyData: keyPEM}
	ctx := user + "@e2x-test"
	cfg.Contexts[ctx] = &clientcmdapi.Context{Cluster: "e2x-test", AuthInfo: user}
	cfg.CurrentContext = ctx
	return clientcmd.WriteToFile(*cfg, path)
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func userKubeconfig(args []string) int {
	fs := flag.NewFlagSet("user-kubeconfig", flag.ExitOnError)
	stateDir := fs.String("state-dir", "", "state directory of a server started with serve (required)")
	user := fs.String("user", "", "user name, the certificate's CN (required)")
	out := fs.String("out", "", "kubeconfig file to write (required)")
	var groups stringList
	fs.Var(&groups, "group", "group, the certificate's O (repeatable)")
	expired := fs.Bool("expired", false, "issue a certificate that expired an hour ago")
	_ = fs.Parse(args)
	if *stateDir == "" || *user == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "user-kubeconfig: --state-dir, --user and --out are required")
		return 2
	}
	p, err := loadCA(filepath.Join(*stateDir, "pki"))
	if err != nil {
		return fail(err)
	}
	server, err := os.ReadFile(filepath.Join(*stateDir, "server"))
	if err != nil {
		return fail(fmt.Errorf("no running server recorded in %s: %w", *stateDir, err))
	}
	certPEM, keyPEM, err := p.clientCertValid(*user, groups, *expired)
	if err != nil {
		return fail(err)
	}
	if err := writeKubeconfig(*out, strings.TrimSpace(string(server)), p.caPEM, *user, certPEM, keyPEM); err != nil {
		return fail(err)
	}
	return 0
}
