// Package sumup simulates the SumUp Cloud API for Solo readers.
package sumup
