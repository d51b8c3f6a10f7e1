$banner = @"
CONFIDENTIEL DÉFENSE
"@
Write-Output $banner
