package api_test

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/yizhan/yizhan/server/station"
)

// The API description follows station.Fields: an edit's members are the fields' members, a station's
// properties hold every field (lon and lat as its coordinates), and what an operator may send is
// what Fields says.
func TestFieldsAreTheTruth(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var patch struct {
		RequestBody struct {
			Content map[string]struct {
				Schema struct {
					Properties map[string]json.RawMessage
				}
			}
		}
	}
	json.Unmarshal(doc.Paths["/api/v1/stations/{id}"]["patch"], &patch)
	documented := slices.Sorted(maps.Keys(patch.RequestBody.Content["application/json"].Schema.Properties))
	var members, operator []string
	for _, f := range station.Fields {
		if f.Member != "" {
			members = append(members, f.Member)
		}
		if f.Operator {
			operator = append(operator, f.Member)
		}
		if _, ok := doc.Components.Schemas["StationProperties"].Properties[f.Name]; !ok && f.Name != "lon" && f.Name != "lat" {
			t.Errorf("field %s is not among a station's documented properties", f.Name)
		}
	}
	if slices.Sort(members); !slices.Equal(documented, members) {
		t.Errorf("the edit documents %v; station.Fields has the members %v", documented, members)
	}
	if !slices.Equal(station.OperatorFields, operator) {
		t.Errorf("operators may send %v, Fields says %v", station.OperatorFields, operator)
	}
}
