my $banner = <<'END';
SECRET LUX
END
print $banner;
