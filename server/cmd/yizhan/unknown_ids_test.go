package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every served route that takes an id says in OpenAPI that an unknown id answers 404, and says so in
// its id parameter.
func TestOpenAPIDocuments404ForIDs(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "api", "openapi.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In, Description string
				Ref                   string `json:"$ref"`
			}
			Responses map[string]any
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, route := range apiRoutes() {
		method, path, _ := strings.Cut(route, " ")
		if !strings.Contains(path, ":id") {
			continue
		}
		n++
		op, ok := doc.Paths[strings.ReplaceAll(path, ":id", "{id}")][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s is not documented", route)
			continue
		}
		if _, ok := op.Responses["404"]; !ok {
			t.Errorf("%s: no 404 documented", route)
		}
		described := false
		for _, p := range op.Parameters {
			described = described || p.Name == "id" && p.In == "path" && strings.Contains(p.Description, "404") ||
				p.Ref == "#/components/parameters/UserID"
		}
		if !described {
			t.Errorf("%s: its id parameter does not say that an unknown id answers 404", route)
		}
	}
	if n < 7 {
		t.Errorf("only %d routes take an id", n)
	}
}
