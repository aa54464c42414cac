package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CRDs sit beside the checkout, in ../shared/conformance/k8s-crds/ (K8S_CRDS overrides).
func validator(t *testing.T) *Validator {
	t.Helper()
	dir := os.Getenv("K8S_CRDS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "..", "shared", "conformance", "k8s-crds")
	}
	v, err := NewValidator(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.schemas) < 4 {
		t.Fatalf("expected the FlinkDeployment, PodMonitor, ServiceMonitor and PrometheusRule CRDs in %s, got %d schemas", dir, len(v.schemas))
	}
	return v
}

const goodFlinkDeployment = `apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: f
spec:
  image: flink:2.3
  flinkVersion: v2_3
  jobManager:
    podTemplate:
      apiVersion: v1
      kind: Pod
      spec:
        containers:
          - name: flink-prometheus-bridge
            image: flink-prometheus-bridge:0.1.0
`

// Each case must be refused, with a message naming the problem; the valid documents must pass.
func TestCatchesBrokenManifests(t *testing.T) {
	v := validator(t)
	cases := []struct{ name, doc, want string }{
		{"unknown field in a built-in kind", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndatta: {a: b}\n", `unknown field "datta"`},
		{"wrong type in a built-in kind", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: two\n", "replicas"},
		{"duplicate field", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\nspec: {}\n", "spec"},
		{"unknown field in a CRD object", "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\nspec:\n  selector: {}\n  endpoints:\n    - port: http\n      honorLabelz: true\n", "honorLabelz"},
		{"wrong type in a CRD object", "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: m}\nspec:\n  selector: {}\n  podMetricsEndpoints:\n    - port: http\n      honorLabels: \"yes\"\n", "honorLabels"},
		{"CRD enum", strings.Replace(goodFlinkDeployment, "v2_3", "v9_9", 1), "flinkVersion"},
		{"unknown field in a FlinkDeployment pod template", strings.Replace(goodFlinkDeployment, "image: flink-prometheus-bridge", "imagee: flink-prometheus-bridge", 1), "imagee"},
		{"PrometheusRule without groups' names", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: r}\nspec:\n  groups:\n    - rules: [{alert: A, expr: up}]\n", "name"},
		{"unknown kind", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "unknown apiVersion/kind"},
	}
	for _, c := range cases {
		_, problems := v.ValidateDocument([]byte(c.doc))
		if len(problems) == 0 {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if all := strings.Join(problems, "\n"); !strings.Contains(all, c.want) {
			t.Errorf("%s: refused, but the message does not name %q: %s", c.name, c.want, all)
		}
	}
	for _, doc := range []string{goodFlinkDeployment, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"} {
		if _, problems := v.ValidateDocument([]byte(doc)); len(problems) > 0 {
			t.Errorf("valid document refused: %v\n%s", problems, doc)
		}
	}
}

func TestSplitDocuments(t *testing.T) {
	docs := splitDocuments([]byte("# c\n---\na: 1\n---\n# only a comment\n---\nb: 2\n"))
	if len(docs) != 2 {
		t.Fatalf("want 2 documents, got %d: %q", len(docs), docs)
	}
}
