module example.com/go-warm

go 1.19

require github.com/actionhost/actionhost/bindings/go v0.0.0

replace github.com/actionhost/actionhost/bindings/go => ../../bindings/go
