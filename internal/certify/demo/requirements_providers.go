package demo

// Requirement keys for SmartConnect and Helcim. These providers have no
// published checklist IDs, so the requirements are named in plain words
// after reference/providers.md §4.3 (states) and §4.4 (error lines).
const (
	ReqSCInstructions   = "sc-instructions"
	ReqSCRegister       = "sc-register-identity"
	ReqSCCodeEntry      = "sc-code-entry"
	ReqSCPaired         = "sc-paired-state"
	ReqSCTest           = "sc-test"
	ReqSCUnpairGuidance = "sc-unpair-on-terminal"
	ReqSCForget         = "sc-forget"
	ReqSCErrInvalidCode = "sc-error-invalid-code"
	ReqSCErrNetwork     = "sc-error-network"
	ReqSCErrOffline     = "sc-error-offline"
	ReqSCErrNotPaired   = "sc-error-not-paired"

	ReqHCCodeEntry     = "helcim-code-entry"
	ReqHCNormalised    = "helcim-code-normalised"
	ReqHCSaved         = "helcim-saved"
	ReqHCPingShown     = "helcim-ping-shown"
	ReqHCTest          = "helcim-test"
	ReqHCTokenHidden   = "helcim-token-hidden"
	ReqHCUnpairSteps   = "helcim-unpair-on-terminal"
	ReqHCForget        = "helcim-forget"
	ReqHCErrNotFound   = "helcim-error-not-found"
	ReqHCErrNotListen  = "helcim-error-not-listening"
	ReqHCErrRateLimit  = "helcim-error-rate-limited"
	ReqHCErrToken      = "helcim-error-token"
	ReqHCErrPermission = "helcim-error-permission"
)

func smartConnectRequirements() []Requirement {
	return []Requirement{
		{ReqSCInstructions, "§4.3, §4.5", "Unpaired state: instructions for starting pairing on the terminal (type the code at once: it refreshes) and the Pairing Code field"},
		{ReqSCRegister, "§2.3, §4.3", "Register identity (register, business and vendor name) kept; the register ID shown read-only"},
		{ReqSCCodeEntry, "§4.3", "The code the terminal shows is typed in"},
		{ReqSCPaired, "§4.3", "Pair pairs at once (PUT /Pairing/{code} 200, no confirmation step): paired state shown"},
		{ReqSCTest, "§2.5, §4.3", "Test sends Terminal.GetStatus and polls (2 s or more apart) until the terminal answers"},
		{ReqSCUnpairGuidance, "§4.3", `No Unpair button: "unpair on the terminal" guidance instead`},
		{ReqSCForget, "§4.3", "Forget removes the pairing on this register"},
		{ReqSCErrInvalidCode, "§4.4", "Error line: pairing code not accepted (400 with error), with the next step"},
		{ReqSCErrNetwork, "§4.4", "Error line: SmartConnect not reached (transport failure); safe to retry"},
		{ReqSCErrOffline, "§4.3, §4.5", "Error line: the terminal is offline (Test's GetStatus fails)"},
		{ReqSCErrNotPaired, "§4.5", "Error line: unpaired on the terminal, detected by Test"},
	}
}

func helcimRequirements() []Requirement {
	return []Requirement{
		{ReqHCCodeEntry, "§4.3", "NoDevice: the 4-character device code field, with instructions for finding the code on the device"},
		{ReqHCNormalised, "§3.2", "A device code typed in lower case is accepted (codes are upper-case letters and digits)"},
		{ReqHCSaved, "§4.3", `Saved after the device lookup and ping 202: "Check the terminal screen for the ping message"`},
		{ReqHCPingShown, "§3.3, §4.3", "The ping shows on the terminal"},
		{ReqHCTest, "§4.3", "Test pings the terminal"},
		{ReqHCTokenHidden, "§3.1", "The API token is never shown"},
		{ReqHCUnpairSteps, "§4.3", "Unpair is done on the device (switch it to standalone mode): the step is shown"},
		{ReqHCForget, "§4.3", "Forget this device removes the code on this register"},
		{ReqHCErrNotFound, "§4.3, §4.4", `Error line (404): "Device code not found on this Helcim account"`},
		{ReqHCErrNotListen, "§4.3, §4.4", "Error line (409): the terminal is not listening — wake it"},
		{ReqHCErrRateLimit, "§3.6, §4.4", "Error line (429): too many requests — wait a minute"},
		{ReqHCErrToken, "§3.4, §4.3, §4.4", "Error line (401): the API token is missing or invalid, with how to set it"},
		{ReqHCErrPermission, "§3.4, §4.3, §4.4", "Error line (403): the API token is refused or lacks permission, with the permission it needs"},
	}
}
