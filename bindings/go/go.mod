module github.com/actionhost/actionhost/bindings/go

go 1.19
