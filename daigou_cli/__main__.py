from daigou_cli.app import main

main()
