package demo

import "github.com/tillpair/tillpair/internal/wording"

// Requirement is one certification item an evidence pack must show.
type Requirement struct {
	Key string
	// Source is where it comes from in reference/providers.md: for SCI
	// "§4.1" (mx51's documented checklist) or a §4.2 checklist ID; for
	// SmartConnect and Helcim the §4.3/§4.4 sections.
	Source string
	Text   string
}

// Requirement keys used by scripts' Step.Shows.
const (
	ReqBranding          = "branding"
	ReqCodeField         = "code-field"
	ReqNicknameField     = "nickname-field"
	ReqTestButton        = "test-button"
	ReqCancelButton      = "cancel-button"
	ReqPairedState       = "paired-state"
	ReqUnpairPerRecord   = "unpair-per-record"
	ReqErrInvalidCode    = "error-invalid-code"
	ReqErrConnectivity   = "error-connectivity"
	ReqErrUnpairedExtern = "error-unpaired-externally"
	ReqInstructions      = "instructions"
	ReqCredentialsHidden = "credentials-hidden"
	ReqSCIPAIRING02      = "SCIPAIRING02"
	ReqSCIPAIRING07      = "SCIPAIRING07"
	ReqSCIPAIRING09      = "SCIPAIRING09"
	ReqSCIPAIRING10      = "SCIPAIRING10"
	ReqSCIMULTI03        = "SCIMULTI03"
	ReqSCITX01           = "SCITX01"
)

// Requirements are the SCI pairing requirements of reference/providers.md
// §4.1 (checklist) and §4.2 (known checklist IDs), in the index's order.
func Requirements() []Requirement {
	return []Requirement{
		{ReqBranding, "§4.1 Branding", `Pairing screen shows the name "Simple Cloud Integration" and the SCI logo`},
		{ReqCodeField, "§4.1 Pairing UI", "Unpaired state shows the Pairing Code field"},
		{ReqNicknameField, "§4.1 Pairing UI", "Unpaired state shows the optional Pairing Nickname field"},
		{ReqTestButton, "§4.1 Pairing UI", "A Test button checks the pairing status"},
		{ReqCancelButton, "§4.1 Pairing UI", "A Cancel button"},
		{ReqPairedState, "§4.1 Pairing UI", "Paired state shows a success message, the Pairing Nickname and the Pairing ID"},
		{ReqUnpairPerRecord, "§4.1 Pairing UI", "An Unpair button for each pairing record"},
		{ReqErrInvalidCode, "§4.1 Pairing UI", "Error state handled: invalid code"},
		{ReqErrConnectivity, "§4.1 Pairing UI", "Error state handled: connectivity failure"},
		{ReqErrUnpairedExtern, "§4.1 Pairing UI", "Error state handled: externally unpaired"},
		{ReqInstructions, "§4.1 Pairing UI", "Pairing instructions"},
		{ReqCredentialsHidden, "§4.1 Security", "The Pairing API key (and signing secrets) are not visible, configurable or editable in the UI"},
		{ReqSCIPAIRING02, "§4.2 SCIPAIRING02", `SCI branding: "Simple Cloud Integration" and the SCI logo, unpaired and paired`},
		{ReqSCIPAIRING07, "§4.2 SCIPAIRING07", "Cancelling a pairing attempt calls Unpair (nothing half-made is left behind)"},
		{ReqSCIPAIRING09, "§4.2 SCIPAIRING09", "Step-by-step pairing instructions"},
		{ReqSCIPAIRING10, "§4.2 SCIPAIRING10", "pairing-info is checked when the pairing section is viewed"},
		{ReqSCIMULTI03, "§4.2 SCIMULTI03", "The same pairing-info check with several pairings"},
		{ReqSCITX01, "§4.2 SCITX01", `Exactly "` + wording.TextNoActive + `" when there is no active pairing`},
	}
}
