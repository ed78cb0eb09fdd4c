// The "not registered" screen looks again every minute: once staff register the
// device (or fix the URL's token), the kiosk comes up by itself.
setTimeout(() => window.location.reload(), 60000);
