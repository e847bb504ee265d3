package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/engine/inventory"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/workstation"
)

// endpointsTable is the table `spoor endpoints` prints: the busiest
// columns first, the ones a narrow terminal drops last.
func endpointsTable(rows []inventory.Endpoint, withSpec bool) *table {
	t := &table{cols: []column{{title: "METHOD"}, {title: "HOST", elide: true, drop: 3}, {title: "ENDPOINT", elide: true}}}
	if withSpec {
		t.cols = append(t.cols, column{title: "SPEC"})
	}
	t.cols = append(t.cols,
		column{title: "REQS", right: true}, column{title: "SESS", right: true, drop: 5}, column{title: "USERS", right: true, drop: 4},
		column{title: "ERRS", right: true}, column{title: "P50", right: true, drop: 2}, column{title: "P95", right: true},
		column{title: "P99", right: true, drop: 1}, column{title: "ATTACKS", right: true})
	for i := range rows {
		e := &rows[i]
		cells := []string{e.Method, e.Host, e.Template}
		if withSpec {
			cells = append(cells, e.SpecStatus)
		}
		cells = append(cells, human.Count(e.Requests), human.Count(e.Sessions), human.Count(e.Users), human.Count(e.Errors()),
			ms(e.Latency.P50), ms(e.Latency.P95), ms(e.Latency.P99), human.Count(e.AttackCount()))
		t.add(cells...)
	}
	return t
}

func ms(v float64) string { return human.Duration(time.Duration(v * float64(time.Millisecond))) }

func newEndpointsCommand(g *globalFlags) *cobra.Command {
	var (
		specs            []string
		expr, sortBy     string
		asJSON, asNDJSON bool
	)
	cmd := &cobra.Command{
		Use:   "endpoints [--spec FILE] [--filter EXPR] [--sort requests|p95|errors|attacks]",
		Short: "List the API's endpoints as the traffic used them, with their status in a specification",
		Long: "endpoints lists every endpoint (method, host, path template) the captured traffic called: requests, sessions, users, errors, latency percentiles and attack tags. " +
			"With a specification (spec: in the configuration, or --spec FILE, OpenAPI 3 or Swagger 2), each endpoint is documented, shadow (not in it), zombie (deprecated, or only in an older version) or undocumented_method, with the parameters seen that it does not declare. " +
			"Without --filter or --spec it reads the inventory the capture kept; with them it reads the stored requests.",
		Example: `  spoor endpoints --sort p95
  spoor endpoints --spec openapi.yaml --json | jq '.[] | select(.spec_status == "shadow")'
  spoor endpoints --filter 'user:alice since:1h' --sort errors`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := pickFormat(asJSON, asNDJSON)
			if err != nil {
				return err
			}
			order := strings.ToLower(sortBy)
			if !slices.Contains(inventory.SortOrders(), order) {
				return usageError{fmt.Errorf("invalid --sort %q: want %s", sortBy, strings.Join(inventory.SortOrders(), ", "))}
			}
			if _, err := parseFilter(expr); err != nil {
				return err
			}
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			q := workstation.EndpointsQuery{Specs: specs}
			if strings.TrimSpace(expr) != "" {
				if q.Filter, err = checkFilter(st, expr); err != nil {
					return err
				}
			}
			rows, err := workstation.ReadEndpoints(cmd.Context(), st, q)
			if err != nil {
				return err
			}
			inventory.SortBy(rows, order)
			out := cmd.OutOrStdout()
			if format != formatTable {
				return writeJSON(out, format, rows)
			}
			withSpec := slices.ContainsFunc(rows, func(e inventory.Endpoint) bool { return e.SpecStatus != "" })
			return endpointsTable(rows, withSpec).write(out, terminalWidth(out))
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&specs, "spec", nil, "an OpenAPI 3 or Swagger 2 file (YAML or JSON) to judge endpoints against, beside the configuration's (repeatable)")
	f.StringVar(&expr, "filter", "", "count only the requests matching this filter ("+strings.Join(filter.Fields()[:4], ", ")+", spec:shadow, ...)")
	f.StringVar(&sortBy, "sort", inventory.SortRequests, "order, largest first: "+strings.Join(inventory.SortOrders(), ", "))
	f.BoolVar(&asJSON, "json", false, "print one JSON array")
	f.BoolVar(&asNDJSON, "ndjson", false, "print one JSON object per line")
	return cmd
}
