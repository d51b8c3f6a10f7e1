puts "GEHEIM"
puts "Lagebild Nord"
