module omsdesk

go 1.26

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/ebfe/scard v0.0.0-20241214075232-7af069cabc25 // indirect
)
