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
			WriteJSON(w, http.StatusOK, map[string][]Terminal{"terminals": s.Terminals()})
		}},
		{http.MethodPost, "/terminals", func(w http.ResponseWriter, r *http.Request) {
			var o TerminalOptions
			if !decodeControl(w, r, &o, s.exampleTerminal(), false) {
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
	for _, name := range s.actionNames() {
		routes = append(routes, controlRoute{http.MethodPost, "/terminals/{id}/" + name, s.actionHandler(name)})
	}
	for _, m := range s.clouds {
		for _, c := range m.spec.Control {
			routes = append(routes, controlRoute{c.Method, c.Path, c.Handle})
		}
	}
	return append(routes,
		controlRoute{http.MethodPost, "/faults", func(w http.ResponseWriter, r *http.Request) {
			var f Fault
			if !decodeControl(w, r, &f, s.exampleFault(), false) {
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

// exampleTerminal and exampleFault are the bodies a 400 shows as
// examples, for the first cloud.
func (s *Sandbox) exampleTerminal() string {
	if len(s.clouds) == 0 {
		return `{"provider":"…"}`
	}
	return fmt.Sprintf(`{"provider":%q}`, s.clouds[0].spec.ID)
}

func (s *Sandbox) exampleFault() string {
	if len(s.clouds) == 0 || len(s.clouds[0].spec.Routes) == 0 {
		return `{"provider":"…","route":"…","status":503,"count":1}`
	}
	return fmt.Sprintf(`{"provider":%q,"route":%q,"status":503,"count":1}`, s.clouds[0].spec.ID, s.clouds[0].spec.Routes[0])
}

// Route aliases of ActionPower, kept for scripts written before it:
// offline is {"online":false}, online {"online":true}.
const (
	aliasOffline = "offline"
	aliasOnline  = "online"
)

// actionNames are the terminal actions the control API serves: the
// standard ones, the power aliases, then every cloud's own, once each.
func (s *Sandbox) actionNames() []string {
	names := []string{ActionPairingCode, ActionConfirm, ActionUnpair, ActionExpireCode, ActionSignIn, ActionPower, aliasOffline, aliasOnline}
	for _, m := range s.clouds {
		for _, a := range m.spec.Actions {
			if !slices.Contains(names, a.Name) {
				names = append(names, a.Name)
			}
		}
	}
	return names
}

// actionHandler serves POST /terminals/{id}/{name}, decoding the body the
// action takes: expire-code an optional {"code"}, sign-in {"code"}, power
// {"online"}; every other action none.
func (s *Sandbox) actionHandler(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var (
			t   Terminal
			err error
		)
		switch name {
		case ActionExpireCode:
			var body struct {
				Code string `json:"code"`
			}
			if !decodeControl(w, r, &body, `{"code":"123456"}, or no body for the code on screen`, true) {
				return
			}
			t, err = s.ExpireCode(id, body.Code)
		case ActionSignIn:
			var body struct {
				Code *string `json:"code"`
			}
			if !decodeControl(w, r, &body, `{"code":"ABCDEF"}`, false) {
				return
			}
			code := ""
			if body.Code != nil {
				code = *body.Code
			}
			t, err = s.SignIn(id, code)
		case ActionPower:
			var body struct {
				Online *bool `json:"online"`
			}
			if !decodeControl(w, r, &body, `{"online":false}`, false) {
				return
			}
			if body.Online == nil {
				WriteJSON(w, http.StatusBadRequest, map[string]string{"error": `power needs "online": send {"online":false} to switch the terminal off, {"online":true} to switch it on`})
				return
			}
			t, err = s.SetPower(id, *body.Online)
		default:
			if !noBody(w, r) {
				return
			}
			switch name {
			case aliasOffline, aliasOnline:
				t, err = s.SetPower(id, name == aliasOnline)
			default:
				t, err = s.Act(id, name, ActionInput{})
			}
		}
		if errors.Is(err, ErrIncorrectDeviceCode) {
			WriteJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "incorrect_device_code", "message": err.Error()})
			return
		}
		answer(w, http.StatusOK, t, err)
	}
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
		if byPath[rt.path][rt.method] != nil {
			// Two clouds (or a cloud and the core) claiming one route is a
			// programming error; New panics with it.
			panic(fmt.Sprintf("sandbox: two control routes %s %s%s", rt.method, prefixControl, rt.path))
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
				WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf(
					"method %s is not allowed on %s%s; allowed methods: %s", r.Method, prefixControl, r.URL.Path, strings.Join(allowed, ", "))})
				return
			}
			h(w, r)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf(
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
// An optional body may be left out: no body or whitespace leave v as it is.
func decodeControl(w http.ResponseWriter, r *http.Request, v any, example string, optional bool) bool {
	body, err := ReadBody(r)
	if err == nil && optional && len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	if err == nil {
		err = DecodeStrict(body, v)
	}
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error() + "; for example " + example})
		return false
	}
	return true
}

// noBody accepts no body, or an empty JSON object, on a route that takes
// none; anything else answers 400, since a caller who sends one expects it
// to mean something and would otherwise not learn that it was ignored.
func noBody(w http.ResponseWriter, r *http.Request) bool {
	body, err := ReadBody(r)
	if err == nil && len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	if err == nil {
		err = DecodeStrict(body, &struct{}{})
	}
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf(
			"%s %s%s takes no body (%v); send it without one", r.Method, prefixControl, r.URL.Path, err)})
		return false
	}
	return true
}

// answer writes v with status, or the error with the status its kind maps to.
func answer(w http.ResponseWriter, status int, v any, err error) {
	if err == nil {
		WriteJSON(w, status, v)
		return
	}
	switch {
	case errors.Is(err, ErrUnknownTerminal):
		status = http.StatusNotFound
		err = fmt.Errorf("%w; GET /control/terminals lists them", err)
	case errors.Is(err, ErrNothingToConfirm), errors.Is(err, ErrNoCode), errors.Is(err, ErrTerminalState):
		status = http.StatusConflict
	default: // ErrUnknownProvider, ErrInvalidTerminalOptions, ErrInvalidFault, ErrUnsupported, ErrBadActionInput
		status = http.StatusBadRequest
	}
	WriteJSON(w, status, map[string]string{"error": err.Error()})
}
