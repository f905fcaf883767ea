from incidex.cli.main import main

main()
