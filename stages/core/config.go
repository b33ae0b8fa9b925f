package core

import (
	"fmt"
	"log/slog"
)

// withDefaults returns cfg with every zero setting replaced by its default.
func (cfg Config) withDefaults() Config {
	setInt(&cfg.Backlog, DefaultBacklog)
	setInt(&cfg.MaxConns, DefaultMaxConns)
	setInt(&cfg.ReadBufferSize, DefaultReadBufferSize)
	setInt(&cfg.ReadBufferMax, DefaultReadBufferMax)
	setInt(&cfg.PendingMax, DefaultPendingMax)
	setInt(&cfg.MaxEvents, DefaultMaxEvents)
	setInt(&cfg.ReadsPerEvent, DefaultReadsPerEvent)
	setInt(&cfg.MemoryMax, DefaultMemoryMax)
	setInt(&cfg.RefusedMax, DefaultRefusedMax)
	setInt(&cfg.HandoffMax, DefaultHandoffMax)
	setInt(&cfg.RingEntries, DefaultRingEntries)
	setInt(&cfg.RecvBuffers, DefaultRecvBuffers)
	setInt(&cfg.RecvBufferSize, DefaultRecvBufferSize)
	if cfg.HeaderTimeout == 0 {
		cfg.HeaderTimeout = DefaultHeaderTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	if cfg.LingerTimeout == 0 {
		cfg.LingerTimeout = DefaultLingerTimeout
	}
	if cfg.Buffers == nil {
		cfg.Buffers = HeapBuffers{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}

func setInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

// Check says what is wrong with cfg, its zero settings read as their
// defaults, as New would: for callers that report it as a usage error.
func (cfg Config) Check() error { return cfg.withDefaults().validate() }

// validate rejects settings that cannot work, after defaults are applied.
func (cfg Config) validate() error {
	switch {
	case cfg.Backlog < 0, cfg.MaxConns < 0, cfg.ReadBufferSize < 0,
		cfg.ReadBufferMax < 0, cfg.PendingMax < 0, cfg.MaxEvents < 0,
		cfg.MemoryMax < 0, cfg.RefusedMax < 0, cfg.ReadsPerEvent < 0, cfg.HandoffMax < 0:
		return fmt.Errorf("core config: negative size or count limit")
	case cfg.HeaderTimeout < 0, cfg.IdleTimeout < 0, cfg.WriteTimeout < 0,
		cfg.DrainTimeout < 0, cfg.LingerTimeout < 0:
		return fmt.Errorf("core config: negative timeout")
	case cfg.MemoryMax < cfg.ReadBufferSize:
		return fmt.Errorf("core config: MemoryMax %d < ReadBufferSize %d: no connection could read",
			cfg.MemoryMax, cfg.ReadBufferSize)
	case cfg.ReadBufferMax < cfg.ReadBufferSize:
		return fmt.Errorf("core config: ReadBufferMax %d < ReadBufferSize %d",
			cfg.ReadBufferMax, cfg.ReadBufferSize)
	case cfg.Engine == EngineUring:
		return cfg.validateUring()
	}
	return nil
}
