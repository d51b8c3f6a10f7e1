let () = print_endline "SECRET UE"
