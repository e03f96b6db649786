package screens

import (
	"github.com/tillpair/tillpair/providers"
)

// Helcim's error codes (providers/helcim sets them in Error.Code). Copied,
// not imported: screens depends on providers only, never on a client.
const (
	helcimUnauthorized = "unauthorized"
	helcimForbidden    = "forbidden"
)

// providerWording replaces the generic wording where SmartConnect or
// Helcim have their own line and next step (reference §4.3–§4.4). It
// switches on Kind and the provider's Code, never on message text; ok is
// false when the generic wording stands.
func providerWording(k providers.Kind, pe *providers.Error) (Wording, bool) {
	if pe == nil {
		return Wording{}, false
	}
	switch pe.Provider {
	case providers.Helcim:
		return helcimWording(k, pe)
	case providers.SmartConnect:
		return smartConnectWording(k, pe)
	}
	return Wording{}, false
}

func helcimWording(k providers.Kind, pe *providers.Error) (Wording, bool) {
	switch k {
	case providers.KindNotFound:
		return Wording{Title: "Device not found", Line: "Device code not found on this Helcim account",
			Next: "Check the 4-character code on the terminal (Options shows it). The device must belong to the account of this API token."}, true
	case providers.KindNotListening:
		return Wording{Title: "Terminal not listening",
			Line: "The terminal is not listening: wake it, open the Helcim app and switch it to pairing mode",
			Next: "Make sure it is signed in; if it is the wrong terminal, enter the other device's code.", Retry: true}, true
	case providers.KindCredentials:
		if pe.Code == helcimForbidden {
			return Wording{Title: "API token lacks permission", Line: "The Helcim API token lacks permission (or is not accepted)",
				Next: "Give the token General: Read and Settings: Read in Helcim's API Access Configuration, or run `tillpair setup helcim` with another token."}, true
		}
		return Wording{Title: "API token missing or invalid", Line: "The Helcim API token is missing or invalid",
			Next: "Set a valid token with `tillpair setup helcim` or TILLPAIR_HELCIM_API_TOKEN."}, true
	case providers.KindRateLimited:
		return Wording{Title: "Too many requests", Line: "Too many requests — wait a minute",
			Next: "Helcim allows 5 requests at once and 100 a minute per account, across its tills and apps. Wait a minute, then try again.", Retry: true}, true
	case providers.KindNotPaired:
		return Wording{Title: "Device left the account", Line: "This device is no longer on this Helcim account",
			Next: "Forget it here, then pair again with the code the terminal shows.", Forget: true}, true
	case providers.KindInvalidCode:
		return Wording{Title: "Invalid device code", Line: "Helcim rejected the device code",
			Next: "Enter the 4 letters or digits the terminal shows."}, true
	case providers.KindUnpairOnTerminal:
		return Wording{Title: "Unpair on the terminal", Line: "Helcim devices are unpaired on the device",
			Next: UnpairSteps(providers.Helcim), Forget: true}, true
	}
	return Wording{}, false
}

func smartConnectWording(k providers.Kind, pe *providers.Error) (Wording, bool) {
	switch k {
	case providers.KindInvalidCode, providers.KindCodeUsed, providers.KindNotFound:
		return Wording{Title: "Code not accepted",
			Line: "That pairing code was not accepted — codes refresh on the terminal: enter the one it shows now",
			Next: "If it keeps failing, check the register's business name in Setup (ctrl+e)."}, true
	case providers.KindNotListening:
		return Wording{Title: "Terminal offline", Line: "The terminal did not answer: it is offline or busy",
			Next: "Turn it on, connect it to the network and go to its idle screen, then try again.", Retry: true}, true
	case providers.KindNotPaired:
		return Wording{Title: "Not paired", Line: "This register is not paired to a terminal",
			Next: "It was unpaired on the terminal, or the register identity changed. Forget it here, then pair again.", Forget: true}, true
	case providers.KindConfig:
		return Wording{Title: "Register not set up", Line: "This register has no SmartConnect identity yet",
			Next: "Set the register, business and vendor names in Setup, then pair.", Setup: true}, true
	case providers.KindUnpairOnTerminal:
		return Wording{Title: "Unpair on the terminal", Line: "SmartConnect pairings are removed on the terminal",
			Next: UnpairSteps(providers.SmartConnect), Forget: true}, true
	case providers.KindRateLimited:
		return Wording{Title: "Too many requests", Line: "Too many requests — wait a minute",
			Next: "SmartConnect asks for at least 2 seconds between status polls.", Retry: true}, true
	}
	return Wording{}, false
}
