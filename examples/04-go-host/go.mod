module example.com/go-host

go 1.19

require github.com/actionhost/actionhost/bindings/go v0.0.0

// The binding is used from the actionhost source tree (it includes the C header from there).
replace github.com/actionhost/actionhost/bindings/go => ../../bindings/go
