// Template oracle for the differential test (test/integration/rules/template/go-differential.test.ts): reads one
// JSON request per line, answers one JSON line with what Prometheus 3.16's own template package does with it —
// the rule loader's parse check (rulefmt's ParseTest) and the alert expansion (rules/alerting.go). It is built
// inside a copy of the github.com/prometheus/prometheus v0.316.0 module, so it uses exactly that code.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/template"
)

type request struct {
	Name   string            `json:"name"`
	Text   string            `json:"text"`
	Labels map[string]string `json:"labels"`
	// Value as Go's ParseFloat reads it ("NaN", "+Inf", "-0"): JSON has no NaN.
	Value string `json:"value"`
}

type response struct {
	// Check is the ParseTest error ("" when the template parses).
	Check  string `json:"check"`
	Expand string `json:"expand"`
}

const (
	externalURL = "http://prom.example:9090/prefix"
	evalTimeMs  = 1700000000000
)

// queryFunc answers every query with two fixed samples, and fails for queries containing "(".
func queryFunc(_ context.Context, q string, _ time.Time) (promql.Vector, error) {
	if strings.Contains(q, "(") {
		return nil, errors.New("1:1: parse error: unexpected")
	}
	return promql.Vector{
		{Metric: labels.FromStrings("__name__", "up", "job", "a"), F: 1},
		{Metric: labels.FromStrings("__name__", "up", "job", "b"), F: 0},
	}, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	u, err := url.Parse(externalURL)
	if err != nil {
		panic(err)
	}
	defs := "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
	for in.Scan() {
		var r request
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		v, err := strconv.ParseFloat(r.Value, 64)
		if err != nil {
			panic(err)
		}
		name := "__alert_" + r.Name
		data := template.AlertTemplateData(r.Labels, map[string]string{"site": "x"}, externalURL, promql.Sample{F: v})
		res := response{}
		check := template.NewTemplateExpander(context.Background(), defs+r.Text, name, data, model.Time(evalTimeMs), nil, nil, nil)
		if err := check.ParseTest(); err != nil {
			res.Check = err.Error()
		}
		ex := template.NewTemplateExpander(context.Background(), defs+r.Text, name, data, model.Time(evalTimeMs), queryFunc, u, nil)
		s, err := ex.Expand()
		if err != nil {
			s = fmt.Sprintf("<error expanding template: %s>", err)
		}
		res.Expand = s
		if err := out.Encode(res); err != nil {
			panic(err)
		}
	}
}
