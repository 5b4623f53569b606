package main

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"

	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	postgresplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/schema/postgresql/v12"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

// preparePostgres turns a postgres:// URL into the two stores Temporal needs, on the same server:
// the URL's database for state and <database>_visibility for visibility. Each database is created
// when missing and its schema brought to the version this server expects (the same steps as
// temporal-sql-tool's create-database, setup-schema -v 0.0 and update-schema), so a newer server
// upgrades an older store on start.
func preparePostgres(rawURL string, maxConns int) (main, visibility *config.SQL, err error) {
	main, err = postgresConfig(rawURL, maxConns)
	if err != nil {
		return nil, nil, err
	}
	vis := *main
	vis.DatabaseName = main.DatabaseName + "_visibility"
	visibility = &vis

	logger := log.NewNoopLogger()
	for _, s := range []struct {
		cfg    *config.SQL
		schema string
	}{
		{main, "postgresql/v12/temporal"},
		{visibility, "postgresql/v12/visibility"},
	} {
		if err := prepareDatabase(s.cfg, s.schema, logger); err != nil {
			return nil, nil, fmt.Errorf("postgres database %s on %s: %w", s.cfg.DatabaseName, s.cfg.ConnectAddr, err)
		}
	}
	return main, visibility, nil
}

var dbName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,50}$`)

func postgresConfig(rawURL string, maxConns int) (*config.SQL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's error repeats the URL, password and all: say less.
		return nil, fmt.Errorf("-postgres: not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("-postgres: want a postgres:// URL, got scheme %q", u.Scheme)
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return nil, fmt.Errorf("-postgres: the URL must name the database, e.g. postgres://postgres@127.0.0.1:5432/kinerja_temporal")
	}
	// Temporal's schema tool puts the name into CREATE DATABASE unquoted.
	if !dbName.MatchString(db) {
		return nil, fmt.Errorf("-postgres: database name %q: use lower-case letters, digits and _ only, starting with a letter", db)
	}
	hostName, port := u.Hostname(), u.Port()
	if hostName == "" {
		hostName = "127.0.0.1"
	}
	if port == "" {
		port = "5432"
	}
	cfg := &config.SQL{
		PluginName:        postgresplugin.PluginNamePGX,
		DatabaseName:      db,
		ConnectAddr:       net.JoinHostPort(hostName, port),
		ConnectProtocol:   "tcp",
		ConnectAttributes: map[string]string{},
		MaxConns:          maxConns,
		MaxIdleConns:      maxConns,
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	for k, v := range u.Query() {
		cfg.ConnectAttributes[k] = v[len(v)-1]
	}
	return cfg, nil
}

func prepareDatabase(cfg *config.SQL, schemaName string, logger log.Logger) error {
	admin := *cfg
	if err := sqltool.DoCreateDatabase(&admin, "postgres", logger); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	conn, err := sqltool.NewConnection(cfg, logger)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ReadSchemaVersion(); err != nil {
		// No version table yet: a new database.
		setup := &schema.SetupConfig{InitialVersion: "0.0"}
		if err := schema.NewSetupSchemaTask(conn, setup, logger).Run(); err != nil {
			return fmt.Errorf("setup schema: %w", err)
		}
	}
	update := &schema.UpdateConfig{DBName: cfg.DatabaseName, SchemaName: schemaName}
	if err := schema.NewUpdateSchemaTask(conn, update, logger).Run(); err != nil {
		return fmt.Errorf("update schema: %w", err)
	}
	if v, err := conn.ReadSchemaVersion(); err != nil {
		return err
	} else if want := map[string]string{"postgresql/v12/temporal": v12.Version, "postgresql/v12/visibility": v12.VisibilityVersion}[schemaName]; v != want {
		return fmt.Errorf("schema version %s after update, want %s", v, want)
	}
	return nil
}
