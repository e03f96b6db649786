package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// controlRoutes is the control API, listed in 404 answers so a caller can
// see what exists.
var controlRoutes = []string{
	"GET /terminals",
	"POST /terminals",
	"GET /terminals/{id}",
	"POST /terminals/{id}/pairing-code",
	"POST /terminals/{id}/confirm",
	"POST /terminals/{id}/unpair",
	"POST /terminals/{id}/offline",
	"POST /terminals/{id}/online",
	"POST /terminals/{id}/sleep",
	"POST /terminals/{id}/wake",
	"GET /helcim",
	"POST /faults",
	"DELETE /faults",
}

// controlHandler serves the control API; paths are relative to /control.
func (s *Sandbox) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /terminals", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string][]Terminal{"terminals": s.Terminals()})
	})
	mux.HandleFunc("POST /terminals", func(w http.ResponseWriter, r *http.Request) {
		var o TerminalOptions
		if !decodeControl(w, r, &o, `{"provider":"sci"}`) {
			return
		}
		t, err := s.AddTerminalWith(o)
		answer(w, http.StatusCreated, t, err)
	})
	mux.HandleFunc("GET /terminals/{id}", func(w http.ResponseWriter, r *http.Request) {
		t, err := s.Terminal(r.PathValue("id"))
		answer(w, http.StatusOK, t, err)
	})
	for action, op := range map[string]func(string) (Terminal, error){
		"pairing-code": s.StartPairing,
		"confirm":      s.Confirm,
		"unpair":       s.UnpairFromTerminal,
		"offline":      func(id string) (Terminal, error) { return s.SetOffline(id, true) },
		"online":       func(id string) (Terminal, error) { return s.SetOffline(id, false) },
		"sleep":        s.Sleep, // Helcim only
		"wake":         s.Wake,  // Helcim only
	} {
		mux.HandleFunc("POST /terminals/{id}/"+action, func(w http.ResponseWriter, r *http.Request) {
			t, err := op(r.PathValue("id"))
			answer(w, http.StatusOK, t, err)
		})
	}
	mux.HandleFunc("GET /helcim", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"restricted_api_token": s.HelcimRestrictedAPIToken()})
	})
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if !decodeControl(w, r, &f, `{"provider":"sci","route":"pairing-info","status":503,"count":1}`) {
			return
		}
		answer(w, http.StatusCreated, f, s.SetFault(f))
	})
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf(
			"unknown control route %s %s; valid routes (under /control): %s", r.Method, r.URL.Path, strings.Join(controlRoutes, ", "))})
	})
	return mux
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
	default: // ErrUnknownProvider, ErrInvalidFault
		status = http.StatusBadRequest
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
