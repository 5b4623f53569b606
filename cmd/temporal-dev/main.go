// Command temporal-dev runs a single-process Temporal server for development and tests.
//
// It lives in its own module because go.temporal.io/server needs a newer Go toolchain than the
// product module, and keeping it apart keeps the product binary lean. State persists to a SQLite
// file (-db), so a restart keeps running cycles running; with -db "" it is in memory only.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

const host = "127.0.0.1"

func main() {
	dbPath := flag.String("db", ".data/temporal.sqlite", "SQLite file to persist to; empty keeps everything in memory")
	port := flag.Int("port", 7233, "frontend gRPC port")
	namespace := flag.String("namespace", "default", "namespace to create on start")
	logLevel := flag.String("log-level", "error", "server log level")
	flag.Parse()

	if err := run(*dbPath, *port, *namespace, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "temporal-dev:", err)
		os.Exit(1)
	}
}

func run(dbPath string, port int, namespace, logLevel string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	sqlCfg := config.SQL{PluginName: sqliteplugin.PluginName, ConnectAttributes: map[string]string{}}
	if dbPath == "" {
		sqlCfg.ConnectAttributes["mode"] = "memory"
		sqlCfg.ConnectAttributes["cache"] = "shared"
		sqlCfg.DatabaseName = fmt.Sprintf("mem%d", rand.IntN(1_000_000_000))
	} else {
		sqlCfg.ConnectAttributes["mode"] = "rwc"
		sqlCfg.ConnectAttributes["_journal_mode"] = "wal"
		sqlCfg.DatabaseName = dbPath
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
			return err
		}
		if _, err := os.Stat(dbPath); os.IsNotExist(err) {
			if err := sqlite.SetupSchema(&sqlCfg); err != nil {
				return fmt.Errorf("set up schema: %w", err)
			}
		}
	}

	nsCfg, err := sqlite.NewNamespaceConfig("active", namespace, false, nil)
	if err != nil {
		return err
	}
	if err := sqlite.CreateNamespaces(&sqlCfg, nsCfg); err != nil {
		return fmt.Errorf("create namespace: %w", err)
	}

	cfg, err := serverConfig(sqlCfg, port)
	if err != nil {
		return err
	}
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{Stdout: true, Level: logLevel}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&cfg.Global.Authorization)
	if err != nil {
		return err
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&cfg.Global.Authorization, logger)
	if err != nil {
		return err
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			// Let the dev server keep up with many small workflows started at once.
			dynamicconfig.FrontendRPS.Key():                                 10000,
			dynamicconfig.FrontendNamespaceReplicationInducingAPIsRPS.Key(): 1000,
		}),
	)
	if err != nil {
		return fmt.Errorf("new server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	// Tests and the dev runner wait for this exact line.
	fmt.Printf("temporal-dev ready on %s:%d namespace=%s\n", host, port, namespace)

	<-ctx.Done()
	done := make(chan error, 1)
	go func() { done <- srv.Stop() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		return fmt.Errorf("stop timed out")
	}
}

func serverConfig(sqlCfg config.SQL, port int) (*config.Config, error) {
	svc := func(grpcPort int) (config.Service, error) {
		membership, err := freePort()
		if err != nil {
			return config.Service{}, err
		}
		if grpcPort == 0 {
			if grpcPort, err = freePort(); err != nil {
				return config.Service{}, err
			}
		}
		return config.Service{RPC: config.RPC{GRPCPort: grpcPort, MembershipPort: membership, BindOnIP: host}}, nil
	}
	services := map[string]config.Service{}
	for name, p := range map[string]int{"frontend": port, "history": 0, "matching": 0, "worker": 0} {
		s, err := svc(p)
		if err != nil {
			return nil, err
		}
		services[name] = s
	}
	metricsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	pprofPort, err := freePort()
	if err != nil {
		return nil, err
	}
	frontend := fmt.Sprintf("%s:%d", host, port)
	cfg := &config.Config{}
	cfg.Global.Membership = config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host}
	cfg.Global.PProf = config.PProf{Port: pprofPort}
	_ = metricsPort
	cfg.Persistence = config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: &sqlCfg}},
	}
	cfg.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        "active",
		CurrentClusterName:       "active",
		ClusterInformation: map[string]cluster.ClusterInformation{
			"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
		},
	}
	cfg.DCRedirectionPolicy = config.DCRedirectionPolicy{Policy: "noop"}
	cfg.Services = services
	cfg.Archival = config.Archival{
		History:    config.HistoryArchival{State: "disabled"},
		Visibility: config.VisibilityArchival{State: "disabled"},
	}
	cfg.NamespaceDefaults = config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
		History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
		Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
	}}
	cfg.PublicClient = config.PublicClient{HostPort: frontend}
	return cfg, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", host+":0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
