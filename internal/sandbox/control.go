package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// controlRoute is one route of the control API; path is relative to
// /control.
type controlRoute struct {
	method, path string
	handle       http.HandlerFunc
}

// controlRoutes lists the control API in the order the 404 answer names it.
func (s *Sandbox) controlRoutes() []controlRoute {
	routes := []controlRoute{
		{http.MethodGet, "/terminals", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string][]Terminal{"terminals": s.Terminals()})
		}},
		{http.MethodPost, "/terminals", func(w http.ResponseWriter, r *http.Request) {
			var o TerminalOptions
			if !decodeControl(w, r, &o, `{"provider":"sci"}`) {
				return
			}
			t, err := s.AddTerminalWith(o)
			answer(w, http.StatusCreated, t, err)
		}},
		{http.MethodGet, "/terminals/{id}", func(w http.ResponseWriter, r *http.Request) {
			t, err := s.Terminal(r.PathValue("id"))
			answer(w, http.StatusOK, t, err)
		}},
	}
	actions := []struct {
		name string
		op   func(string) (Terminal, error)
	}{
		{"pairing-code", s.StartPairing},
		{"confirm", s.Confirm},
		{"unpair", s.UnpairFromTerminal},
		{"offline", func(id string) (Terminal, error) { return s.SetOffline(id, true) }},
		{"online", func(id string) (Terminal, error) { return s.SetOffline(id, false) }},
		{"sleep", s.Sleep}, // Helcim only
		{"wake", s.Wake},   // Helcim only
	}
	for _, a := range actions {
		routes = append(routes, controlRoute{http.MethodPost, "/terminals/{id}/" + a.name, func(w http.ResponseWriter, r *http.Request) {
			if !noBody(w, r) {
				return
			}
			t, err := a.op(r.PathValue("id"))
			answer(w, http.StatusOK, t, err)
		}})
	}
	return append(routes,
		controlRoute{http.MethodGet, "/helcim", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"restricted_api_token": s.HelcimRestrictedAPIToken()})
		}},
		controlRoute{http.MethodPost, "/faults", func(w http.ResponseWriter, r *http.Request) {
			var f Fault
			if !decodeControl(w, r, &f, `{"provider":"sci","route":"pairing-info","status":503,"count":1}`) {
				return
			}
			answer(w, http.StatusCreated, f, s.SetFault(f))
		}},
		controlRoute{http.MethodDelete, "/faults", func(w http.ResponseWriter, r *http.Request) {
			// A body here is most likely an attempt to clear one fault;
			// clearing all of them instead would hide that mistake.
			if !noBody(w, r) {
				return
			}
			s.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
		}},
	)
}

// controlHandler serves the control API; paths are relative to /control.
// Each path is registered without a method and dispatches on it itself, so
// a known path with the wrong method gets 405 with Allow and a JSON error
// rather than falling through to the catch-all 404 (ServeMux's own 405 is
// plain text).
func (s *Sandbox) controlHandler() http.Handler {
	routes := s.controlRoutes()
	names := make([]string, 0, len(routes))
	byPath := map[string]map[string]http.HandlerFunc{}
	var paths []string
	for _, rt := range routes {
		names = append(names, rt.method+" "+rt.path)
		if byPath[rt.path] == nil {
			byPath[rt.path] = map[string]http.HandlerFunc{}
			paths = append(paths, rt.path)
		}
		byPath[rt.path][rt.method] = rt.handle
	}
	mux := http.NewServeMux()
	for _, path := range paths {
		methods := byPath[path]
		allowed := allowedMethods(methods)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			h, ok := methods[r.Method]
			if !ok && r.Method == http.MethodHead {
				h, ok = methods[http.MethodGet]
			}
			if !ok {
				w.Header().Set("Allow", strings.Join(allowed, ", "))
				writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf(
					"method %s is not allowed on %s%s; allowed methods: %s", r.Method, prefixControl, r.URL.Path, strings.Join(allowed, ", "))})
				return
			}
			h(w, r)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf(
			"unknown control route %s %s; valid routes (under %s): %s", r.Method, r.URL.Path, prefixControl, strings.Join(names, ", "))})
	})
	return mux
}

// allowedMethods is the Allow list of a path: its methods, sorted, with
// HEAD wherever GET is, as net/http serves HEAD through a GET handler.
func allowedMethods(methods map[string]http.HandlerFunc) []string {
	out := make([]string, 0, len(methods)+1)
	for m := range methods {
		out = append(out, m)
	}
	if _, ok := methods[http.MethodGet]; ok {
		out = append(out, http.MethodHead)
	}
	slices.Sort(out)
	return out
}

// decodeControl reads a strict JSON body or answers 400 with an example.
func decodeControl(w http.ResponseWriter, r *http.Request, v any, example string) bool {
	body, err := readBody(r)
	if err == nil {
		err = decodeStrict(body, v)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error() + "; for example " + example})
		return false
	}
	return true
}

// noBody accepts no body, or an empty JSON object, on a route that takes
// none; anything else answers 400, since a caller who sends one expects it
// to mean something and would otherwise not learn that it was ignored.
func noBody(w http.ResponseWriter, r *http.Request) bool {
	body, err := readBody(r)
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	if err == nil {
		err = decodeStrict(body, &struct{}{})
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(
			"%s %s%s takes no body (%v); send it without one", r.Method, prefixControl, r.URL.Path, err)})
		return false
	}
	return true
}

// answer writes v with status, or the error with the status its kind maps to.
func answer(w http.ResponseWriter, status int, v any, err error) {
	if err == nil {
		writeJSON(w, status, v)
		return
	}
	switch {
	case errors.Is(err, ErrUnknownTerminal):
		status = http.StatusNotFound
		err = fmt.Errorf("%w; GET /control/terminals lists them", err)
	case errors.Is(err, ErrNothingToConfirm):
		status = http.StatusConflict
	default: // ErrUnknownProvider, ErrInvalidTerminalOptions, ErrInvalidFault
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
