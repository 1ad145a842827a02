import Hummingbird

/// The JSON bodies of the service's endpoints.
enum API {
    struct RankedMovie: ResponseEncodable, Codable {
        var id: Int
        var score: Double
        var title: String?
        var year: Int?
        var genres: [String]?
    }

    struct RankedUser: ResponseEncodable, Codable {
        var id: Int
        var score: Double
    }

    struct Recommendations: ResponseEncodable, Codable {
        var user: Int
        var version: Int
        var items: [RankedMovie]
    }

    struct Similar: ResponseEncodable, Codable {
        var item: Int
        var version: Int
        var items: [RankedMovie]
    }

    struct Interaction: Codable, Equatable {
        var user: Int
        var item: Int
        var value: Double?
    }

    struct RecordRequest: Codable, Equatable {
        var interactions: [Interaction]
    }

    struct RecordResponse: ResponseEncodable, Codable {
        var version: Int
        var recorded: Int
    }

    struct NewMovie: Codable {
        var id: Int?
        var title: String
        var year: Int?
        var genres: [String]
    }

    struct AddedMovie: ResponseEncodable, Codable {
        var id: Int
        var version: Int
        var audience: [RankedUser]
        var similar: [RankedMovie]
    }

    struct ReloadRequest: Codable {
        var path: String?
        var policy: String?
    }

    struct ReloadResponse: ResponseEncodable, Codable {
        var version: Int
        var generation: Int
        var replayedUsers: Int
        var replayedPlacements: Int
        var droppedInteractions: Int
        var failures: [String]
    }

    struct Health: ResponseEncodable, Codable {
        var status: String
        var version: Int
        var generation: Int
        var users: Int
        var items: Int
        var modelAgeSeconds: Double
    }
}
