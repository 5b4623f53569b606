// Command temporal-dev runs a single-process Temporal server for development and tests.
//
// It lives in its own module because go.temporal.io/server needs a newer Go toolchain than the
// product module, and keeping it apart keeps the product binary lean. State persists to PostgreSQL
// (-postgres, two databases created when missing) or to a SQLite file (-db), so a restart keeps
// running cycles running; with neither it is in memory only.
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
	"strconv"
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
	sqltool "go.temporal.io/server/tools/sql"
)

const host = "127.0.0.1"

type options struct {
	dbPath, pgURL       string
	port                int
	namespace, logLevel string
	shards, maxConns    int
}

func main() {
	var o options
	flag.StringVar(&o.dbPath, "db", ".data/temporal.sqlite", "SQLite file to persist to; empty keeps everything in memory (ignored with -postgres)")
	flag.StringVar(&o.pgURL, "postgres", os.Getenv("TEMPORAL_DEV_POSTGRES_URL"),
		"PostgreSQL URL whose database holds Temporal's state; visibility goes to <database>_visibility; both are created when missing (default $TEMPORAL_DEV_POSTGRES_URL)")
	flag.IntVar(&o.port, "port", 7233, "frontend gRPC port")
	flag.StringVar(&o.namespace, "namespace", "default", "namespace to create on start")
	flag.StringVar(&o.logLevel, "log-level", "error", "server log level")
	flag.IntVar(&o.shards, "shards", 1, "history shards; fixed when a store is first created, a different number later is ignored (the stored one wins)")
	flag.IntVar(&o.maxConns, "max-conns", 4, "PostgreSQL connections per pool (each of the four services has one for state and one for visibility)")
	flag.Parse()

	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "temporal-dev:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if o.shards < 1 {
		return fmt.Errorf("-shards must be at least 1, got %d", o.shards)
	}
	if o.maxConns < 1 {
		return fmt.Errorf("-max-conns must be at least 1, got %d", o.maxConns)
	}
	dbPath, port, namespace, logLevel := o.dbPath, o.port, o.namespace, o.logLevel

	var stores map[string]config.DataStore
	var visibility string
	if o.pgURL != "" {
		main, vis, err := preparePostgres(o.pgURL, o.maxConns)
		if err != nil {
			return err
		}
		if err := createNamespace(main, namespace); err != nil {
			return err
		}
		stores = map[string]config.DataStore{"default": {SQL: main}, "visibility": {SQL: vis}}
		visibility = "visibility"
	} else {
		sqlCfg, err := prepareSQLite(dbPath)
		if err != nil {
			return err
		}
		if err := createNamespace(sqlCfg, namespace); err != nil {
			return err
		}
		stores = map[string]config.DataStore{"default": {SQL: sqlCfg}}
		visibility = "default"
	}

	if err := forgetMembers(stores["default"].SQL, dbPath != "" || o.pgURL != ""); err != nil {
		return err
	}
	cfg, err := serverConfig(stores, visibility, o.shards, port)
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

// createNamespace registers the namespace in the store before the server starts, so it is usable
// as soon as the ready line is printed. It works on any SQL plugin and does nothing when it exists.
func createNamespace(sqlCfg *config.SQL, namespace string) error {
	nsCfg, err := sqlite.NewNamespaceConfig("active", namespace, false, nil)
	if err != nil {
		return err
	}
	if err := sqlite.CreateNamespaces(sqlCfg, nsCfg); err != nil {
		return fmt.Errorf("create namespace: %w", err)
	}
	return nil
}

// forgetMembers empties the membership table of a store that outlives the process. A dev server is
// its store's only member; rows an earlier run left (a stop or a crash leaves them until they
// expire) name ports nobody listens on any more, and the new server would spend about a minute
// trying to join them before it serves.
func forgetMembers(sqlCfg *config.SQL, persistent bool) error {
	if !persistent {
		return nil
	}
	conn, err := sqltool.NewConnection(sqlCfg, log.NewNoopLogger())
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Exec(`DELETE FROM cluster_membership`); err != nil {
		return fmt.Errorf("forget earlier cluster members: %w", err)
	}
	return nil
}

func prepareSQLite(dbPath string) (*config.SQL, error) {
	sqlCfg := &config.SQL{PluginName: sqliteplugin.PluginName, ConnectAttributes: map[string]string{}}
	if dbPath == "" {
		sqlCfg.ConnectAttributes["mode"] = "memory"
		sqlCfg.ConnectAttributes["cache"] = "shared"
		sqlCfg.DatabaseName = fmt.Sprintf("mem%d", rand.IntN(1_000_000_000))
	} else {
		sqlCfg.ConnectAttributes["mode"] = "rwc"
		sqlCfg.ConnectAttributes["_journal_mode"] = "wal"
		sqlCfg.DatabaseName = dbPath
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o755); err != nil {
			return nil, err
		}
		if _, err := os.Stat(dbPath); os.IsNotExist(err) {
			if err := sqlite.SetupSchema(sqlCfg); err != nil {
				return nil, fmt.Errorf("set up schema: %w", err)
			}
		}
	}
	return sqlCfg, nil
}

func serverConfig(stores map[string]config.DataStore, visibility string, shards, port int) (*config.Config, error) {
	svc := func(grpcPort int) (config.Service, error) {
		// Membership ports land in a smallint column on PostgreSQL: keep them below 32768.
		membership, err := lowPort()
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
	pprofPort, err := freePort()
	if err != nil {
		return nil, err
	}
	frontend := fmt.Sprintf("%s:%d", host, port)
	cfg := &config.Config{}
	cfg.Global.Membership = config.Membership{MaxJoinDuration: 30 * time.Second, BroadcastAddress: host}
	cfg.Global.PProf = config.PProf{Port: pprofPort}
	cfg.Persistence = config.Persistence{
		DefaultStore:     "default",
		VisibilityStore:  visibility,
		NumHistoryShards: int32(shards),
		DataStores:       stores,
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

// lowPort returns a free port below Linux's ephemeral range (32768 and up), which ":0" picks from.
func lowPort() (int, error) {
	for range 200 {
		p := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			l.Close()
			return p, nil
		}
	}
	return 0, fmt.Errorf("no free port between 20000 and 32000")
}
