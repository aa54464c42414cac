// k8s-validate: strict validation of Kubernetes manifests (issue 11 §2), for deploy/kubernetes/ and the rendered
// Helm chart.
//
//	go run . -crds DIR FILE...      (FILE "-" reads stdin; multi-document YAML)
//
// Each document is checked by its apiVersion/kind:
//   - built-in kinds decode strictly into the official Go types of k8s.io/api (sigs.k8s.io/yaml's UnmarshalStrict:
//     an unknown field, a duplicate field or a wrong type is an error), as the API server's strict field validation
//     would refuse them;
//   - custom resources (FlinkDeployment, PodMonitor, ServiceMonitor, PrometheusRule) are validated against the
//     openAPIV3Schema of their upstream CRD in DIR (JSON Schema, santhosh-tekuri/jsonschema), made strict the way
//     the API server's field validation is: an object schema with properties and neither additionalProperties
//     nor x-kubernetes-preserve-unknown-fields refuses unknown fields; FlinkDeployment pod templates are also
//     decoded strictly as core/v1 Pods.
//
// Prints one line per document and every problem; exits 1 when any document is invalid, 2 on usage errors.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// builtin maps apiVersion/kind to a constructor of the typed object.
var builtin = map[string]func() any{
	"v1/ConfigMap":                             func() any { return &corev1.ConfigMap{} },
	"v1/Secret":                                func() any { return &corev1.Secret{} },
	"v1/Service":                               func() any { return &corev1.Service{} },
	"v1/ServiceAccount":                        func() any { return &corev1.ServiceAccount{} },
	"v1/Pod":                                   func() any { return &corev1.Pod{} },
	"v1/PersistentVolumeClaim":                 func() any { return &corev1.PersistentVolumeClaim{} },
	"apps/v1/Deployment":                       func() any { return &appsv1.Deployment{} },
	"apps/v1/StatefulSet":                      func() any { return &appsv1.StatefulSet{} },
	"policy/v1/PodDisruptionBudget":            func() any { return &policyv1.PodDisruptionBudget{} },
	"rbac.authorization.k8s.io/v1/Role":        func() any { return &rbacv1.Role{} },
	"rbac.authorization.k8s.io/v1/RoleBinding": func() any { return &rbacv1.RoleBinding{} },
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// Validator holds the compiled CRD schemas by apiVersion/kind.
type Validator struct {
	schemas map[string]*jsonschema.Schema
}

// NewValidator compiles the openAPIV3Schema of every version of every CRD in dir (*.yaml, *.yml).
func NewValidator(dir string) (*Validator, error) {
	v := &Validator{schemas: map[string]*jsonschema.Schema{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var crd struct {
			Kind string `json:"kind"`
			Spec struct {
				Group string `json:"group"`
				Names struct {
					Kind string `json:"kind"`
				} `json:"names"`
				Versions []struct {
					Name   string `json:"name"`
					Schema struct {
						OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(data, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, ver := range crd.Spec.Versions {
			key := crd.Spec.Group + "/" + ver.Name + "/" + crd.Spec.Names.Kind
			c := jsonschema.NewCompiler()
			url := "mem://" + key
			if err := c.AddResource(url, strictSchema(withObjectMeta(ver.Schema.OpenAPIV3Schema))); err != nil {
				return nil, fmt.Errorf("%s %s: %w", f, key, err)
			}
			s, err := c.Compile(url)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", f, key, err)
			}
			v.schemas[key] = s
		}
	}
	return v, nil
}

// withObjectMeta adds apiVersion, kind and metadata to the root of a CRD schema: the API server accepts them on
// every object whether the schema lists them or not (metadata is then checked as ObjectMeta, here: an object).
func withObjectMeta(root map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range root {
		out[k] = v
	}
	props := map[string]any{}
	if p, ok := root["properties"].(map[string]any); ok {
		for k, v := range p {
			props[k] = v
		}
	}
	for name, schema := range map[string]any{"apiVersion": map[string]any{"type": "string"}, "kind": map[string]any{"type": "string"}, "metadata": map[string]any{"type": "object"}} {
		if _, ok := props[name]; !ok {
			props[name] = schema
		}
	}
	out["properties"] = props
	return out
}

// strictSchema turns an OpenAPI v3 structural schema into a JSON Schema that refuses unknown fields: it drops the
// OpenAPI-only keywords JSON Schema does not know (nullable, x-kubernetes-*) and closes every object schema that
// declares properties and neither keeps unknown fields nor declares additionalProperties. A nullable schema also
// accepts null.
func strictSchema(node any) any {
	switch n := node.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range n {
			if strings.HasPrefix(k, "x-kubernetes-") || k == "nullable" {
				continue
			}
			out[k] = strictSchema(val)
		}
		if n["x-kubernetes-int-or-string"] == true {
			delete(out, "type")
			out["anyOf"] = []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}}
		}
		if _, hasProps := n["properties"]; hasProps {
			_, hasAdditional := n["additionalProperties"]
			if n["x-kubernetes-preserve-unknown-fields"] != true && !hasAdditional {
				out["additionalProperties"] = false
			}
		}
		if n["nullable"] == true {
			if t, ok := out["type"].(string); ok {
				out["type"] = []any{t, "null"}
			}
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, val := range n {
			out[i] = strictSchema(val)
		}
		return out
	default:
		return node
	}
}

// ValidateDocument checks one YAML document; it returns the "apiVersion/kind name" and the problems found.
func (v *Validator) ValidateDocument(doc []byte) (string, []string) {
	var tm typeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return "?", []string{err.Error()}
	}
	id := tm.APIVersion + "/" + tm.Kind + " " + tm.Metadata.Name
	if tm.APIVersion == "" || tm.Kind == "" {
		return id, []string{"no apiVersion or kind"}
	}
	if mk, ok := builtin[tm.APIVersion+"/"+tm.Kind]; ok {
		if err := yaml.UnmarshalStrict(doc, mk()); err != nil {
			return id, []string{err.Error()}
		}
		return id, nil
	}
	schema, ok := v.schemas[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return id, []string{"unknown apiVersion/kind (neither a built-in type this check knows nor a CRD in -crds)"}
	}
	jsonDoc, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return id, []string{err.Error()}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonDoc))
	if err != nil {
		return id, []string{err.Error()}
	}
	var problems []string
	if err := schema.Validate(inst); err != nil {
		problems = append(problems, err.Error())
	}
	if tm.Kind == "FlinkDeployment" {
		problems = append(problems, podTemplates(doc)...)
	}
	return id, problems
}

// podTemplates decodes spec.podTemplate, spec.jobManager.podTemplate and spec.taskManager.podTemplate strictly as Pods.
func podTemplates(doc []byte) []string {
	var fd struct {
		Spec struct {
			PodTemplate any `json:"podTemplate"`
			JobManager  struct {
				PodTemplate any `json:"podTemplate"`
			} `json:"jobManager"`
			TaskManager struct {
				PodTemplate any `json:"podTemplate"`
			} `json:"taskManager"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(doc, &fd); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for name, t := range map[string]any{"spec.podTemplate": fd.Spec.PodTemplate, "spec.jobManager.podTemplate": fd.Spec.JobManager.PodTemplate, "spec.taskManager.podTemplate": fd.Spec.TaskManager.PodTemplate} {
		if t == nil {
			continue
		}
		raw, err := yaml.Marshal(t)
		if err == nil {
			err = yaml.UnmarshalStrict(raw, &corev1.Pod{})
		}
		if err != nil {
			problems = append(problems, name+": "+err.Error())
		}
	}
	return problems
}

// splitDocuments splits multi-document YAML at "---" lines, dropping empty and comment-only documents.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	for _, part := range bytes.Split(append([]byte("\n"), data...), []byte("\n---")) {
		keep := false
		for _, line := range strings.Split(string(part), "\n") {
			t := strings.TrimSpace(line)
			if t != "" && !strings.HasPrefix(t, "#") && t != "---" {
				keep = true
				break
			}
		}
		if keep {
			docs = append(docs, part)
		}
	}
	return docs
}

func main() {
	crds := flag.String("crds", "", "directory of CustomResourceDefinition files")
	flag.Parse()
	if *crds == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: k8s-validate -crds DIR FILE...")
		os.Exit(2)
	}
	v, err := NewValidator(*crds)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	bad := 0
	for _, f := range flag.Args() {
		var data []byte
		if f == "-" {
			data, err = io.ReadAll(os.Stdin)
		} else {
			data, err = os.ReadFile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		docs := splitDocuments(data)
		if len(docs) == 0 {
			fmt.Printf("%s: no documents\n", f)
			bad++
		}
		for _, doc := range docs {
			id, problems := v.ValidateDocument(doc)
			if len(problems) == 0 {
				fmt.Printf("ok   %s: %s\n", f, id)
				continue
			}
			bad++
			fmt.Printf("FAIL %s: %s\n", f, id)
			for _, p := range problems {
				fmt.Printf("       %s\n", strings.ReplaceAll(p, "\n", "\n       "))
			}
		}
	}
	if bad > 0 {
		fmt.Println(errors.New(fmt.Sprintf("%d invalid document(s)", bad)))
		os.Exit(1)
	}
}
