from intake.launch import main

main()
