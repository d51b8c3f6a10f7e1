main :: IO ()
main = putStrLn "NATO CONFIDENTIAL"
