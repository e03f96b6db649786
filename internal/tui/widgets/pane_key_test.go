package widgets

import (
	"reflect"
	"testing"
	"time"
)

// Every field of TerminalView must reach Key, or the root model would keep
// showing a stale pane after that field changed. A field added later fails
// here until Key covers it.
func TestPaneKeyCoversEveryField(t *testing.T) {
	now := time.Date(2026, 11, 21, 14, 30, 0, 0, time.UTC)
	base := TerminalPane{Now: now}
	want := base.Key()
	rt := reflect.TypeOf(TerminalView{})
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		p := base
		v := reflect.ValueOf(&p.View).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeOf(time.Time{}):
			v.Set(reflect.ValueOf(now.Add(90 * time.Second)))
		case f.Type.Kind() == reflect.String:
			v.SetString("changed")
		case f.Type.Kind() == reflect.Int:
			v.SetInt(1)
		case f.Type.Kind() == reflect.Bool:
			v.SetBool(true)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			s := reflect.MakeSlice(f.Type, 1, 1)
			for j := 0; j < f.Type.Elem().NumField(); j++ {
				if s.Index(0).Field(j).Kind() == reflect.String {
					s.Index(0).Field(j).SetString("changed")
				}
			}
			v.Set(s)
		default:
			t.Fatalf("TerminalView.%s is a %s: teach this test and TerminalPane.Key about it", f.Name, f.Type)
		}
		if p.Key() == want {
			t.Errorf("changing TerminalView.%s does not change TerminalPane.Key", f.Name)
		}
	}
	withKeys := base
	withKeys.Keys = []string{"ctrl+p new code"}
	if withKeys.Key() == want {
		t.Error("the pane's key hints do not change its Key")
	}
	later := base
	later.View.ExpiresAt = now.Add(90*time.Second + 500*time.Millisecond)
	same := later
	same.Now = now.Add(300 * time.Millisecond) // still 1:30 left
	if same.Key() != later.Key() {
		t.Error("the key changed within one second of the countdown")
	}
	same.Now = now.Add(time.Second)
	if same.Key() == later.Key() {
		t.Error("the key did not change when the countdown did")
	}
}
