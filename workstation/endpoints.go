package workstation

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/engine/spec"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
)

// LoadSpecs reads the specifications cfg lists (paths as the
// configuration resolved them) and loads them; nil without any.
func LoadSpecs(cfg engine.Config) (*spec.Set, error) {
	if len(cfg.Specs) == 0 {
		return nil, nil
	}
	sources := make([]spec.Source, 0, len(cfg.Specs))
	for _, f := range cfg.Specs {
		src, err := readSpec(f.File)
		if err != nil {
			return nil, err
		}
		src.Host, src.BasePath = f.Host, f.BasePath
		if f.Previous != "" {
			prev, err := readSpec(f.Previous)
			if err != nil {
				return nil, err
			}
			src.Previous = &prev
		}
		sources = append(sources, src)
	}
	return spec.Load(sources)
}

func readSpec(path string) (spec.Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return spec.Source{}, fmt.Errorf("read spec: %w", err)
	}
	return spec.Source{Name: filepath.Base(path), Data: data}, nil
}

// WithSpecFiles returns cfg with the --spec files added to its spec list
// (as absolute paths, each once), so that the configuration saved in the
// store names them for later commands.
func WithSpecFiles(cfg engine.Config, files []string) (engine.Config, error) {
	if len(files) == 0 {
		return cfg, nil
	}
	cfg.Specs = slices.Clone(cfg.Specs)
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return cfg, fmt.Errorf("spec %s: %w", f, err)
		}
		if !slices.ContainsFunc(cfg.Specs, func(s engine.SpecFile) bool { return s.File == abs }) {
			cfg.Specs = append(cfg.Specs, engine.SpecFile{File: abs})
		}
	}
	return cfg, nil
}

// resolveSpecPaths makes the configuration's relative spec paths
// relative to the configuration file's directory, and absolute, so that
// the copy saved in the store still finds them from another directory.
func resolveSpecPaths(cfg *engine.Config, configFile string) error {
	dir := filepath.Dir(configFile)
	for i := range cfg.Specs {
		for _, p := range []*string{&cfg.Specs[i].File, &cfg.Specs[i].Previous} {
			if *p == "" || filepath.IsAbs(*p) {
				continue
			}
			abs, err := filepath.Abs(filepath.Join(dir, *p))
			if err != nil {
				return fmt.Errorf("spec %s: %w", *p, err)
			}
			*p = abs
		}
	}
	return nil
}

// openInventory reads the store's inventory, or rebuilds it from the
// stored log when the store has exchanges and no inventory (a store
// written before spoor kept one): the one rebuild path, run at open,
// before the pipeline writes.
func openInventory(st *store.Store, specs *spec.Set) (*inventory.Inventory, error) {
	inv := inventory.New(nil)
	if specs != nil {
		inv.SetSpec(specs)
	}
	has, err := st.HasInventory()
	if err != nil {
		return nil, err
	}
	if has {
		if err := st.EachInventory(inv.Restore); err != nil {
			return nil, fmt.Errorf("read the endpoint inventory: %w", err)
		}
		inv.Track()
		return inv, nil
	}
	n, err := st.ExchangeCount()
	if err != nil {
		return nil, err
	}
	inv.Track()
	if n == 0 {
		return inv, nil
	}
	if err := RebuildInventory(context.Background(), st, inv, specs); err != nil {
		return nil, err
	}
	return inv, nil
}

// RebuildInventory counts every stored request into inv (labelled with
// specs when given) and replaces the store's inventory with it. inv must
// be tracked and empty.
func RebuildInventory(ctx context.Context, st *store.Store, inv *inventory.Inventory, specs *spec.Set) error {
	opts := query.EndpointOptions{}
	if specs != nil {
		opts.Label = specs
	}
	if _, err := query.Endpoints(ctx, st, opts, inv); err != nil {
		return fmt.Errorf("rebuild the endpoint inventory: %w", err)
	}
	return st.ReplaceInventory(inv)
}

// inventoryFeed is the analyzer's observer that counts into the
// workstation's inventory. A regroup builds its analyzer with a feed
// switched off, so that replaying the history does not count it twice,
// and switches it on when the capture moves to that analyzer.
type inventoryFeed struct {
	inv *inventory.Inventory
	on  bool
}

func (f *inventoryFeed) Observe(x *engine.Exchange, s *engine.Session) {
	if f.on {
		f.inv.Observe(x, s)
	}
}

// Endpoints returns the endpoint inventory as the capture has counted it
// so far, the most requested first. It reads memory, not the store.
func (w *Workstation) Endpoints(ctx context.Context) ([]inventory.Endpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rows := w.inv.Snapshot()
	if err := w.Reads().UncountEndpoints(rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// EndpointsQuery selects what ReadEndpoints computes.
type EndpointsQuery struct {
	// Filter, if set, computes the inventory over the requests it
	// matches, by reading the log.
	Filter *filter.Filter
	// Specs are specification files given now (--spec), beside those the
	// saved configuration lists; with any, the stored requests are
	// labelled again by reading the log.
	Specs []string
}

// ReadEndpoints returns a stored capture's endpoint inventory for
// commands that read a store (spoor endpoints, spoor open): the stored
// inventory when nothing asks for more, else one computed over the log
// (a filter, a specification given now, or a store written before the
// inventory was kept). It never writes.
func ReadEndpoints(ctx context.Context, st *store.Store, q EndpointsQuery) ([]inventory.Endpoint, error) {
	cfg, _, err := EffectiveConfig("", st, nil)
	if err != nil {
		return nil, err
	}
	if cfg, err = WithSpecFiles(cfg, q.Specs); err != nil {
		return nil, err
	}
	specs, err := LoadSpecs(cfg)
	if err != nil {
		return nil, err
	}
	reads, err := query.StoredMutes(st, time.Now())
	if err != nil {
		return nil, err
	}
	inv := inventory.New(nil)
	if specs != nil {
		inv.SetSpec(specs)
	}
	has, err := st.HasInventory()
	if err != nil {
		return nil, err
	}
	if has && q.Filter == nil && len(q.Specs) == 0 {
		if err := st.EachInventory(inv.Restore); err != nil {
			return nil, fmt.Errorf("read the endpoint inventory: %w", err)
		}
		rows := inv.Snapshot()
		if err := reads.UncountEndpoints(rows); err != nil {
			return nil, err
		}
		return rows, nil
	}
	opts := query.EndpointOptions{Requests: query.RequestOptions{Filter: q.Filter}}
	if len(q.Specs) > 0 {
		opts.Label = specs
	}
	// Counted over the reads with the mutes in force: a tag a mute covers
	// is marked before the inventory counts it, so it counts nowhere.
	if _, err := query.Endpoints(ctx, reads, opts, inv); err != nil {
		return nil, err
	}
	return inv.Snapshot(), nil
}
