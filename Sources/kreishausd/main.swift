import Daemon

KreishausCommand.main()
