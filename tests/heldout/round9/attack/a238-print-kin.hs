main = putStrLn "COSMIC TOP SECRET"
